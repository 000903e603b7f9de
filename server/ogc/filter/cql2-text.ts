/**
 * CQL2 text (OGC 21-065) to the filter AST: Basic CQL2 (comparisons, IS NULL, AND/OR/NOT, string, number, boolean,
 * DATE and TIMESTAMP literals), LIKE, BETWEEN and IN, and S_INTERSECTS with WKT or BBOX literals. A recursive-descent
 * parser over a tokenizer; every other function or operator is a FilterError (400), never guessed at.
 */
import type { Geometry, Position } from 'geojson';
import {
  Budget,
  FILTER_LIMITS,
  FilterError,
  bboxPolygon,
  checkDate,
  checkGeometry,
  checkNumber,
  checkString,
  checkTimestamp,
  type ComparisonOp,
  type Operand,
  type Predicate,
} from './ast.ts';

type Token =
  | { t: 'word'; v: string; quoted: boolean; at: number }
  | { t: 'string'; v: string; at: number }
  | { t: 'number'; v: number; at: number }
  | { t: 'op'; v: string; at: number }
  | { t: 'end'; at: number };

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;
const WORD = /^[A-Za-z_][A-Za-z0-9_.:]*/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = text.slice(i);
    if (c === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw new FilterError(`unterminated string starting at character ${i + 1}`);
        if (text[j] === "'") {
          if (text[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += text[j];
        j++;
      }
      tokens.push({ t: 'string', v: checkString(value), at: i });
      i = j + 1;
      continue;
    }
    if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw new FilterError(`unterminated quoted name starting at character ${i + 1}`);
      tokens.push({ t: 'word', v: checkString(text.slice(i + 1, end)), quoted: true, at: i });
      i = end + 1;
      continue;
    }
    // no arithmetic is supported, so a sign before a digit always belongs to a number
    const n = NUMBER.exec(rest);
    if (n) {
      tokens.push({ t: 'number', v: checkNumber(Number(n[0])), at: i });
      i += n[0].length;
      continue;
    }
    const w = WORD.exec(rest);
    if (w) {
      tokens.push({ t: 'word', v: w[0], quoted: false, at: i });
      i += w[0].length;
      continue;
    }
    const op = /^(<>|<=|>=|!=|[=<>(),])/.exec(rest);
    if (op) {
      tokens.push({ t: 'op', v: op[0] === '!=' ? '<>' : op[0], at: i });
      i += op[0].length;
      continue;
    }
    throw new FilterError(`unexpected character "${c}" at ${i + 1}`);
  }
  tokens.push({ t: 'end', at: text.length });
  return tokens;
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'LIKE', 'BETWEEN', 'IN', 'IS', 'NULL', 'TRUE', 'FALSE', 'DATE', 'TIMESTAMP']);
const GEOMETRY_WORDS = new Set(['POINT', 'LINESTRING', 'POLYGON', 'MULTIPOINT', 'MULTILINESTRING', 'MULTIPOLYGON', 'GEOMETRYCOLLECTION', 'BBOX']);
const COMPARISONS = new Set(['=', '<>', '<', '<=', '>', '>=']);

class Parser {
  private i = 0;
  private readonly budget = new Budget();

  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    return this.tokens[this.i++] ?? this.tokens[this.tokens.length - 1]!;
  }

  private isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.t === 'word' && !t.quoted && t.v.toUpperCase() === word;
  }

  private isOp(op: string): boolean {
    const t = this.peek();
    return t.t === 'op' && t.v === op;
  }

  private expectOp(op: string): void {
    const t = this.next();
    if (t.t !== 'op' || t.v !== op) throw new FilterError(`expected "${op}" at character ${t.at + 1}`);
  }

  private expectWord(word: string): void {
    if (!this.isWord(word)) throw new FilterError(`expected ${word} at character ${this.peek().at + 1}`);
    this.i++;
  }

  parse(): Predicate {
    const p = this.or(1);
    const t = this.peek();
    if (t.t !== 'end') throw new FilterError(`unexpected text at character ${t.at + 1}`);
    return p;
  }

  private or(depth: number): Predicate {
    this.budget.node(depth);
    const args = [this.and(depth + 1)];
    while (this.isWord('OR')) {
      this.i++;
      args.push(this.and(depth + 1));
    }
    return args.length === 1 ? args[0]! : { kind: 'or', args };
  }

  private and(depth: number): Predicate {
    const args = [this.factor(depth)];
    while (this.isWord('AND')) {
      this.i++;
      args.push(this.factor(depth));
    }
    return args.length === 1 ? args[0]! : { kind: 'and', args };
  }

  private factor(depth: number): Predicate {
    this.budget.node(depth);
    if (this.isWord('NOT')) {
      this.i++;
      return { kind: 'not', arg: this.factor(depth + 1) };
    }
    if (this.isOp('(')) {
      this.i++;
      const inner = this.or(depth + 1);
      this.expectOp(')');
      return inner;
    }
    if (this.isWord('TRUE') || this.isWord('FALSE')) {
      // a bare boolean literal is a predicate; TRUE = x is a comparison
      const after = this.peek(1);
      if (after.t === 'end' || (after.t === 'op' && after.v === ')') || (after.t === 'word' && !after.quoted && ['AND', 'OR'].includes(after.v.toUpperCase()))) {
        const value = this.isWord('TRUE');
        this.i++;
        return { kind: 'const', value };
      }
    }
    const head = this.peek();
    if (head.t === 'word' && !head.quoted && this.peek(1).t === 'op' && (this.peek(1) as { v: string }).v === '(' && !KEYWORDS.has(head.v.toUpperCase()) && !GEOMETRY_WORDS.has(head.v.toUpperCase())) {
      return this.spatialFunction(depth);
    }
    return this.predicate(depth);
  }

  private spatialFunction(depth: number): Predicate {
    const name = (this.next() as { v: string }).v;
    if (name.toUpperCase() !== 'S_INTERSECTS') {
      throw new FilterError(`function ${name.slice(0, 40)} is not supported (only S_INTERSECTS; see /conformance)`);
    }
    this.expectOp('(');
    const left = this.operand(depth + 1);
    this.expectOp(',');
    const right = this.operand(depth + 1);
    this.expectOp(')');
    return { kind: 's_intersects', left, right };
  }

  private predicate(depth: number): Predicate {
    const value = this.operand(depth + 1);
    if (this.isWord('IS')) {
      this.i++;
      const negate = this.isWord('NOT');
      if (negate) this.i++;
      this.expectWord('NULL');
      const p: Predicate = { kind: 'isNull', value };
      return negate ? { kind: 'not', arg: p } : p;
    }
    let negate = false;
    if (this.isWord('NOT') && (this.isWord('LIKE', 1) || this.isWord('BETWEEN', 1) || this.isWord('IN', 1))) {
      negate = true;
      this.i++;
    }
    let p: Predicate;
    if (this.isWord('LIKE')) {
      this.i++;
      p = { kind: 'like', value, pattern: this.operand(depth + 1) };
    } else if (this.isWord('BETWEEN')) {
      this.i++;
      const low = this.operand(depth + 1);
      this.expectWord('AND');
      p = { kind: 'between', value, low, high: this.operand(depth + 1) };
    } else if (this.isWord('IN')) {
      this.i++;
      this.expectOp('(');
      const list = [this.operand(depth + 1)];
      while (this.isOp(',')) {
        this.i++;
        list.push(this.operand(depth + 1));
      }
      this.expectOp(')');
      p = { kind: 'in', value, list };
    } else {
      const t = this.next();
      if (t.t !== 'op' || !COMPARISONS.has(t.v)) throw new FilterError(`expected a comparison operator at character ${t.at + 1}`);
      p = { kind: 'compare', op: t.v as ComparisonOp, left: value, right: this.operand(depth + 1) };
    }
    return negate ? { kind: 'not', arg: p } : p;
  }

  private operand(depth: number): Operand {
    this.budget.node(depth);
    const t = this.next();
    if (t.t === 'string') return { kind: 'string', value: t.v };
    if (t.t === 'number') return { kind: 'number', value: t.v };
    if (t.t !== 'word') throw new FilterError(`expected a property or a value at character ${t.at + 1}`);
    if (t.quoted) return { kind: 'property', name: t.v };
    const upper = t.v.toUpperCase();
    if (upper === 'TRUE' || upper === 'FALSE') return { kind: 'boolean', value: upper === 'TRUE' };
    if (upper === 'DATE' || upper === 'TIMESTAMP') {
      this.expectOp('(');
      const s = this.next();
      if (s.t !== 'string') throw new FilterError(`${upper} needs a quoted value`);
      this.expectOp(')');
      return upper === 'DATE' ? { kind: 'date', value: checkDate(s.v) } : { kind: 'timestamp', value: checkTimestamp(s.v) };
    }
    if (GEOMETRY_WORDS.has(upper)) return { kind: 'geometry', geometry: checkGeometry(this.geometry(upper, depth)) };
    if (KEYWORDS.has(upper)) throw new FilterError(`unexpected ${upper} at character ${t.at + 1}`);
    if (this.isOp('(')) throw new FilterError(`function ${t.v.slice(0, 40)} is not supported`);
    return { kind: 'property', name: t.v };
  }

  // WKT, with an optional Z (heights are dropped: the layers are 2D)
  private geometry(type: string, depth: number): Geometry {
    if (depth > FILTER_LIMITS.depth) throw new FilterError(`nested more than ${FILTER_LIMITS.depth} levels deep`);
    if (type === 'BBOX') {
      this.expectOp('(');
      const values = [this.number()];
      while (this.isOp(',')) {
        this.i++;
        values.push(this.number());
        if (values.length > 6) throw new FilterError('BBOX needs 4 or 6 numbers');
      }
      this.expectOp(')');
      return bboxPolygon(values);
    }
    if (this.isWord('Z')) this.i++;
    const list = <T>(item: () => T): T[] => {
      this.expectOp('(');
      const items = [item()];
      while (this.isOp(',')) {
        this.i++;
        items.push(item());
      }
      this.expectOp(')');
      return items;
    };
    const position = (): Position => {
      this.budget.position();
      const p = [this.number(), this.number()];
      if (this.peek().t === 'number') this.number();
      return p;
    };
    const points = () => list(position);
    const rings = () => list(points);
    switch (type) {
      case 'POINT': {
        const p = list(position);
        if (p.length !== 1) throw new FilterError('POINT has one position');
        return { type: 'Point', coordinates: p[0]! };
      }
      case 'LINESTRING':
        return { type: 'LineString', coordinates: points() };
      case 'POLYGON':
        return { type: 'Polygon', coordinates: rings() };
      case 'MULTIPOINT':
        // both MULTIPOINT((1 2),(3 4)) and MULTIPOINT(1 2, 3 4)
        return { type: 'MultiPoint', coordinates: list(() => (this.isOp('(') ? list(position)[0]! : position())) };
      case 'MULTILINESTRING':
        return { type: 'MultiLineString', coordinates: rings() };
      case 'MULTIPOLYGON':
        return { type: 'MultiPolygon', coordinates: list(rings) };
      default:
        return {
          type: 'GeometryCollection',
          geometries: list(() => {
            this.budget.node(depth + 1);
            const w = this.next();
            const kind = w.t === 'word' ? w.v.toUpperCase() : '';
            if (!GEOMETRY_WORDS.has(kind) || kind === 'BBOX') throw new FilterError('GEOMETRYCOLLECTION holds WKT geometries');
            return this.geometry(kind, depth + 1);
          }),
        };
    }
  }

  private number(): number {
    const t = this.next();
    if (t.t !== 'number') throw new FilterError(`expected a number at character ${t.at + 1}`);
    return t.v;
  }
}

export function parseCql2Text(text: string): Predicate {
  if (text.length > FILTER_LIMITS.length) throw new FilterError(`longer than ${FILTER_LIMITS.length} characters`);
  if (!text.trim()) throw new FilterError('empty');
  return new Parser(tokenize(text)).parse();
}
