/**
 * Time is a dependency. Services read `clock.now()` once per operation and pass that instant on
 * (to jose, to SQL), so tests move a FakeClock instead of sleeping. Work due at an instant (a
 * subscription ending when its token expires) is scheduled on the clock too, through `runAt`.
 */
export interface Clock {
  now(): Date;
  /** Runs `fn` once the clock reaches `at`; returns a cancel function. Without it, `runAt` uses real timers. */
  schedule?(at: Date, fn: () => void): () => void;
}

export const systemClock: Clock = { now: () => new Date() };

export class FakeClock implements Clock {
  private ms: number;
  private timers: { at: number; fn: () => void }[] = [];
  constructor(start: Date | number = Date.UTC(2030, 0, 1)) {
    this.ms = typeof start === 'number' ? start : start.getTime();
  }
  now(): Date {
    return new Date(this.ms);
  }
  advance(seconds: number): void {
    this.ms += Math.round(seconds * 1000);
    this.fire();
  }
  set(at: Date): void {
    this.ms = at.getTime();
    this.fire();
  }
  schedule(at: Date, fn: () => void): () => void {
    const timer = { at: at.getTime(), fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }
  private fire(): void {
    const due = this.timers.filter((t) => t.at <= this.ms).sort((a, b) => a.at - b.at);
    this.timers = this.timers.filter((t) => t.at > this.ms);
    for (const t of due) t.fn();
  }
}

/** The longest delay node's timers take (about 24.8 days); longer waits re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs `fn` once `clock` reaches `at` (soon, if it already has), on the clock's own timers when
 * it has them, else on real ones that do not keep the process alive. Returns a cancel function.
 */
export function runAt(clock: Clock, at: Date, fn: () => void): () => void {
  let cancelled = false;
  if (at <= clock.now()) {
    queueMicrotask(() => cancelled || fn());
    return () => {
      cancelled = true;
    };
  }
  if (clock.schedule) return clock.schedule(at, fn);
  let timer: NodeJS.Timeout;
  const arm = () => {
    const wait = at.getTime() - clock.now().getTime();
    if (wait <= 0) return fn();
    timer = setTimeout(arm, Math.min(wait, MAX_TIMER_MS));
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}

export const addSeconds = (d: Date, seconds: number): Date => new Date(d.getTime() + seconds * 1000);
export const epochSeconds = (d: Date): number => Math.floor(d.getTime() / 1000);
