// What a reference server of bench/compare is told by the parent (./start-peer.ts): where the fake
// OpenRouter and the fake Zoho are, the model id to send, and the fixed Zoho access token to use.

export interface PeerEnv {
  llmBaseUrl: string;
  llmApiKey: string;
  model: string;
  zohoUrl: string;
  zohoToken: string;
}

export function readPeerEnv(): PeerEnv {
  const get = (name: string): string => {
    const v = process.env[name];
    if (!v) throw new Error(`${name} is not set (the peer is started by bench/peers/start-peer.ts)`);
    return v;
  };
  return {
    llmBaseUrl: get('BENCH_LLM_BASE_URL'),
    llmApiKey: get('BENCH_LLM_API_KEY'),
    model: get('BENCH_LLM_MODEL'),
    zohoUrl: get('BENCH_ZOHO_URL'),
    zohoToken: get('BENCH_ZOHO_TOKEN'),
  };
}

/** The environment a peer process gets: PATH and the like, plus the names above. */
export function peerProcessEnv(e: PeerEnv): Record<string, string | undefined> {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    BENCH_SOCKET_TRACE: process.env.BENCH_SOCKET_TRACE,
    BENCH_LLM_BASE_URL: e.llmBaseUrl,
    BENCH_LLM_API_KEY: e.llmApiKey,
    BENCH_LLM_MODEL: e.model,
    BENCH_ZOHO_URL: e.zohoUrl,
    BENCH_ZOHO_TOKEN: e.zohoToken,
  };
}
