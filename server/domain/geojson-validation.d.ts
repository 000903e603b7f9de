// geojson-validation ships no types; only the functions we call, with trace=true (→ list of messages).
declare module 'geojson-validation' {
  type Trace = string[];
  interface GJV {
    valid(obj: unknown, trace: true): Trace;
    valid(obj: unknown, trace?: false): boolean;
    isFeature(obj: unknown, trace: true): Trace;
    isGeometryObject(obj: unknown, trace: true): Trace;
    isPolygon(obj: unknown, trace: true): Trace;
    isMultiPolygon(obj: unknown, trace: true): Trace;
  }
  const gjv: GJV;
  export default gjv;
}
