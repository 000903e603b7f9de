import type { BoundaryGeometry } from './types.ts';

/**
 * Undo/redo over whole-geometry snapshots. terra-draw keeps its own history per mode, but ours must
 * also cover imports, picking a cluster and vertex edits in select mode, so the editor keeps this one.
 */
export class GeometryHistory {
  private past: (BoundaryGeometry | null)[] = [];
  private future: (BoundaryGeometry | null)[] = [];

  constructor(
    private current: BoundaryGeometry | null = null,
    private readonly limit = 100,
  ) {}

  get value(): BoundaryGeometry | null {
    return this.current;
  }
  get canUndo(): boolean {
    return this.past.length > 0;
  }
  get canRedo(): boolean {
    return this.future.length > 0;
  }

  /** Records a new state; a change equal to the current one is ignored so clicks without a move do not fill the stack. */
  push(next: BoundaryGeometry | null): boolean {
    if (sameGeometry(next, this.current)) return false;
    this.past.push(this.current);
    if (this.past.length > this.limit) this.past.shift();
    this.current = clone(next);
    this.future = [];
    return true;
  }

  undo(): BoundaryGeometry | null {
    if (!this.past.length) return this.current;
    this.future.push(this.current);
    this.current = this.past.pop() ?? null;
    return this.current;
  }

  redo(): BoundaryGeometry | null {
    if (!this.future.length) return this.current;
    this.past.push(this.current);
    this.current = this.future.pop() ?? null;
    return this.current;
  }

  /** Starts over from a state (loading a cluster): nothing to undo. */
  reset(value: BoundaryGeometry | null): void {
    this.past = [];
    this.future = [];
    this.current = clone(value);
  }
}

function clone<T>(g: T): T {
  return g === null || g === undefined ? g : (JSON.parse(JSON.stringify(g)) as T);
}

export function sameGeometry(a: BoundaryGeometry | null, b: BoundaryGeometry | null): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
