/**
 * Time is a dependency. Services read `clock.now()` once per operation and pass that instant on
 * (to jose, to SQL), so tests move a FakeClock instead of sleeping.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export class FakeClock implements Clock {
  private ms: number;
  constructor(start: Date | number = Date.UTC(2030, 0, 1)) {
    this.ms = typeof start === 'number' ? start : start.getTime();
  }
  now(): Date {
    return new Date(this.ms);
  }
  advance(seconds: number): void {
    this.ms += Math.round(seconds * 1000);
  }
  set(at: Date): void {
    this.ms = at.getTime();
  }
}

export const addSeconds = (d: Date, seconds: number): Date => new Date(d.getTime() + seconds * 1000);
export const epochSeconds = (d: Date): number => Math.floor(d.getTime() / 1000);
