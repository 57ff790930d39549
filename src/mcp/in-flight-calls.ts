/**
 * The tool calls this instance is running for MCP clients, by user and JSON-RPC request id. A
 * stateless server answers `notifications/cancelled` in another HTTP request (and another server
 * object) than the call it names, so the call's abort lives here, not in the SDK's per-server map.
 * Keyed by user too: one user's cancel never reaches another's call. Two clients of one user that
 * run calls with the same id at once are both cancelled: ids are the client's, there is no session.
 */
export interface InFlightCalls {
  /** Registers a running call; the returned function forgets it when the call ends. */
  track(userId: string, requestId: string | number, controller: AbortController): () => void;
  /** Aborts the user's running calls with that id; false when none runs here. */
  cancel(userId: string, requestId: string | number, reason?: string): boolean;
}

export function createInFlightCalls(): InFlightCalls {
  const calls = new Map<string, Set<AbortController>>();
  const keyOf = (userId: string, requestId: string | number) => JSON.stringify([userId, typeof requestId, requestId]);
  return {
    track(userId, requestId, controller) {
      const key = keyOf(userId, requestId);
      let set = calls.get(key);
      if (!set) calls.set(key, (set = new Set()));
      set.add(controller);
      return () => {
        set.delete(controller);
        if (set.size === 0 && calls.get(key) === set) calls.delete(key);
      };
    },
    cancel(userId, requestId, reason) {
      const set = calls.get(keyOf(userId, requestId));
      if (!set) return false;
      for (const controller of set) controller.abort(reason ?? 'cancelled by the client');
      return true;
    },
  };
}
