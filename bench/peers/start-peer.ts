// Starts one reference server of bench/compare in its own process (./ai-sdk-peer.ts,
// ./hand-written-runtime.ts, ./tool-proxy.ts), as the runtime is started: same launcher, same flags.
import { fileURLToPath } from 'node:url';
import { startBenchProcess, type BenchProcess } from '../support/bench-process.ts';
import { peerProcessEnv, type PeerEnv } from './peer-env.ts';

export type Peer = 'ai-sdk-peer' | 'hand-written-runtime' | 'tool-proxy';

export function startPeer(peer: Peer, env: PeerEnv): Promise<BenchProcess> {
  return startBenchProcess(fileURLToPath(new URL(`./${peer}.ts`, import.meta.url)), peerProcessEnv(env));
}
