import type { Server } from "node:http";
import type { RequestHandler } from "express";

/**
 * Graceful stop for a keep-alive server: stop accepting, answer what is in flight with
 * `Connection: close`, close idle connections at once and busy ones as soon as their response is out,
 * and give up (closing everything) after `budgetMs`.
 */
export class Drain {
  private draining = false;

  readonly middleware: RequestHandler = (_req, res, next) => {
    if (this.draining) res.setHeader("connection", "close");
    next();
  };

  get active(): boolean {
    return this.draining;
  }

  /** Resolves when every connection is closed, or after the budget (then the rest are cut). */
  async stop(server: Server, budgetMs: number): Promise<void> {
    this.draining = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // A keep-alive connection that finishes a response while draining is closed by Node after `Connection: close`.
    server.closeIdleConnections();
    const idleSweep = setInterval(() => server.closeIdleConnections(), 50);
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        server.closeAllConnections();
        resolve();
      }, budgetMs);
    });
    try {
      await Promise.race([closed, budget]);
    } finally {
      clearInterval(idleSweep);
      clearTimeout(timer);
    }
  }
}
