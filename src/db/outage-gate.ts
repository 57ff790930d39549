import type { Logger } from '../log.ts';
import { databaseUnavailable } from './database-errors.ts';

export interface OutageGate {
  /** Throws DATABASE_UNAVAILABLE at once while the database is known to be down. */
  check(): void;
  /** A query lost its connection (refused, reset, closed, dropped as dead): down until a probe answers. */
  connectionLost(): void;
  /** A query missed its deadline: maybe load, maybe a dead path; a probe of its own decides. */
  deadlineMissed(): void;
  readonly down: boolean;
  close(): void;
}

export interface OutageGateOptions {
  /** `select 1` on a connection of its own, with a short deadline; rejects when the server does not answer. */
  probe: () => Promise<void>;
  /** How often the gate probes while the database is down (default 250 ms): recovery is seen this soon after the server is back. */
  probeEveryMs?: number;
  logger?: Logger;
}

/**
 * Fast failure while the database is away. Without it every request during an outage pays a
 * connect attempt or a deadline before its 503, and piles onto a pool that is reconnecting. Once a
 * connection is lost (or a missed deadline is confirmed by a probe) the database counts as down:
 * every query is answered at once with DATABASE_UNAVAILABLE while the gate probes on its own, until
 * the server answers again. A deadline missed under load alone never marks it down: the probe has
 * its own connection, and a loaded server still answers it.
 */
export function createOutageGate(options: OutageGateOptions): OutageGate {
  const probeEveryMs = options.probeEveryMs ?? 250;
  let down = false;
  let downSince = 0;
  let checking = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  function markDown(): void {
    if (down || stopped) return;
    down = true;
    downSince = Date.now();
    options.logger?.warn('database.unavailable', {});
    scheduleProbe();
  }

  function scheduleProbe(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      options.probe().then(
        () => {
          down = false;
          options.logger?.info('database.available', { downMs: Date.now() - downSince });
        },
        scheduleProbe,
      );
    }, probeEveryMs);
    timer.unref();
  }

  return {
    check() {
      if (down) throw databaseUnavailable();
    },
    connectionLost: markDown,
    deadlineMissed() {
      if (down || checking || stopped) return;
      checking = true;
      options.probe().then(() => {}, markDown).finally(() => (checking = false));
    },
    get down() {
      return down;
    },
    close() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
