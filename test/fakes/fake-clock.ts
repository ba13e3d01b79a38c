import type { Clock } from "../../src/shared/clock";

/** A clock tests move by hand; starts at the real time so tokens from cognito-local stay valid. */
export class FakeClock implements Clock {
  constructor(private current = Date.now()) {}
  now(): number {
    return this.current;
  }
  advanceSeconds(seconds: number): void {
    this.current += seconds * 1000;
  }
}
