import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenRouter, type FakeOpenRouter } from './fake-openrouter.ts';

const MODEL = 'anthropic/claude-sonnet-4';
const messages = [{ role: 'user' as const, content: 'hi' }];

let fake: FakeOpenRouter;
let client: OpenAI;

beforeAll(async () => {
  fake = await startFakeOpenRouter();
  client = new OpenAI({ apiKey: fake.apiKey, baseURL: fake.baseURL, maxRetries: 0 });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

/** Raw SSE data payloads (comments and blank lines dropped) of a streamed request made with fetch. */
async function rawStream(body: object): Promise<{ res: Response; text: string; data: string[] }> {
  const res = await fetch(`${fake.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${fake.apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ model: MODEL, messages, stream: true, ...body }),
  });
  const text = await res.text();
  const data = text
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice('data: '.length));
  return { res, text, data };
}

async function caught(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('fake OpenRouter, via the real openai SDK', () => {
  it('streams text in chunks while the upstream is still streaming, then usage', async () => {
    fake.script([{ text: ['Hel', 'lo', ' world'], usage: { prompt_tokens: 7, completion_tokens: 3 } }, { chunkDelayMs: 150 }]);
    const stream = await client.chat.completions.create({ model: MODEL, messages, stream: true });
    const deltas: Array<{ content: string; at: number }> = [];
    const finishes: Array<string | null | undefined> = [];
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk');
      expect(chunk.id).toMatch(/^gen-/);
      const choice = chunk.choices[0];
      if (choice?.delta.content) deltas.push({ content: choice.delta.content, at: Date.now() });
      if (choice) finishes.push(choice.finish_reason);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(deltas.map((d) => d.content)).toEqual(['Hel', 'lo', ' world']);
    expect(deltas[2]!.at - deltas[0]!.at).toBeGreaterThanOrEqual(150); // arrived incrementally (two 150 ms gaps; a loaded machine may bunch two)
    expect(finishes.filter(Boolean)).toEqual(['stop']);
    expect(usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 });

    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.body).toMatchObject({ model: MODEL, stream: true, messages });
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(fake.requests[0]!.aborted).toBe(false);
  });

  it('speaks SSE on the wire: processing comment, chunks, [DONE]', async () => {
    fake.script({ text: 'ok' });
    const { res, text, data } = await rawStream({});
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('x-generation-id')).toMatch(/^gen-/);
    expect(text.startsWith(': OPENROUTER PROCESSING\n\n')).toBe(true);
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: 'ok' });
    expect(chunks.at(-2).choices[0]).toMatchObject({ finish_reason: 'stop' });
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: expect.any(Number) } });
  });

  it('streams two parallel tool calls whose interleaved deltas assemble by index', async () => {
    fake.script({
      toolCalls: [
        { id: 'call_a', name: 'zoho_search', arguments: { module: 'Leads', query: 'Acme Corporation' } },
        { name: 'desk_list_tickets', arguments: '{"status":"open","limit":25}' },
      ],
    });
    const stream = await client.chat.completions.create({ model: MODEL, messages, stream: true });
    const calls: Array<{ id?: string; name?: string; args: string }> = [];
    const order: number[] = [];
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (!choice) continue;
      finish = choice.finish_reason ?? finish;
      for (const tc of choice.delta.tool_calls ?? []) {
        order.push(tc.index);
        const call = (calls[tc.index] ??= { args: '' });
        if (tc.id) call.id = tc.id;
        if (tc.function?.name) call.name = tc.function.name;
        call.args += tc.function?.arguments ?? '';
      }
    }
    expect(finish).toBe('tool_calls');
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ id: 'call_a', name: 'zoho_search' });
    expect(JSON.parse(calls[0]!.args)).toEqual({ module: 'Leads', query: 'Acme Corporation' });
    expect(calls[1]!.id).toMatch(/^call_/);
    expect(calls[1]!.name).toBe('desk_list_tickets');
    expect(JSON.parse(calls[1]!.args)).toEqual({ status: 'open', limit: 25 });
    // fragments are interleaved: index 1 shows up before index 0 is complete
    expect(order.indexOf(1)).toBeLessThan(order.lastIndexOf(0));

    // the SDK's own stream accumulator agrees
    fake.script({ toolCalls: [{ id: 'c1', name: 'a', arguments: { x: 1 } }, { id: 'c2', name: 'b', arguments: { y: 'two' } }] });
    const helper = client.chat.completions.stream({ model: MODEL, messages });
    const final = await helper.finalChatCompletion();
    const tcs = final.choices[0]!.message.tool_calls!.map((t) => (t.type === 'function' ? t.function : null));
    expect(tcs).toEqual([
      { name: 'a', arguments: '{"x":1}' },
      { name: 'b', arguments: '{"y":"two"}' },
    ]);
  });

  it('answers a non-streamed forced-tool "repair" call with a chat.completion body', async () => {
    fake.respondWith((body) => ({
      toolCalls: [{ name: body.tool_choice.function.name, arguments: { fixed: true } }],
    }));
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages,
      tools: [{ type: 'function', function: { name: 'submit', parameters: { type: 'object' } } }],
      tool_choice: { type: 'function', function: { name: 'submit' } },
    });
    expect(completion.object).toBe('chat.completion');
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls![0]!;
    expect(call.type === 'function' && call.function.name).toBe('submit');
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ fixed: true });
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
    expect(fake.requests[0]!.body.tool_choice).toEqual({ type: 'function', function: { name: 'submit' } });
    expect(fake.requests[0]!.body.stream).toBeUndefined();
  });

  it('maps 401 / 402 / 429 / 400 to the SDK APIError with the right status', async () => {
    const badKey = new OpenAI({ apiKey: 'sk-or-v1-wrong', baseURL: fake.baseURL, maxRetries: 0 });
    const e401 = await caught(badKey.chat.completions.create({ model: MODEL, messages }));
    expect(e401).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(e401.status).toBe(401);
    expect(e401.error).toEqual({ code: 401, message: 'User not found.' });

    fake.script(
      { error: { status: 402, message: 'Insufficient credits', metadata: { limit_source: 'openrouter_credits' } } },
      { error: { status: 429, message: 'Rate limit exceeded' }, headers: { 'Retry-After': '3' } },
    );
    const e402 = await caught(client.chat.completions.create({ model: MODEL, messages, stream: true }));
    expect(e402).toBeInstanceOf(OpenAI.APIError);
    expect(e402.status).toBe(402);
    expect(e402.message).toBe('402 Insufficient credits');
    expect(e402.error.metadata).toEqual({ limit_source: 'openrouter_credits' });
    const e429 = await caught(client.chat.completions.create({ model: MODEL, messages }));
    expect(e429).toBeInstanceOf(OpenAI.RateLimitError);
    expect(e429.status).toBe(429);
    expect(e429.headers.get('retry-after')).toBe('3');

    const e400 = await caught(client.chat.completions.create({ model: 'no/such-model', messages }));
    expect(e400).toBeInstanceOf(OpenAI.BadRequestError);
    expect(e400.message).toBe('400 no/such-model is not a valid model ID');
    expect(fake.requests).toHaveLength(4); // every request is recorded, rejected ones too
  });

  it('refuses, as Gemini does, a google/ model\'s tools whose schemas carry what Gemini does not take', async () => {
    const parameters = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { email: { type: 'string', format: 'email' }, record: { type: 'object', propertyNames: { type: 'string' } } },
      additionalProperties: false,
    };
    const tools = [{ type: 'function' as const, function: { name: 'x', parameters } }];
    const err = await caught(client.chat.completions.create({ model: 'google/gemini-2.5-flash', messages, tools }));
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.message).toBe('400 Provider returned error');
    const raw = JSON.parse(err.error.metadata.raw).error.message;
    expect(raw).toContain('Unknown name "$schema" at \'tools[0].function_declarations[0].parameters\': Cannot find field.');
    expect(raw).toContain('Unknown name "additionalProperties"');
    expect(raw).toContain('Unknown name "propertyNames"');
    expect(raw).toContain("only 'enum' and 'date-time' are supported for STRING type");
    // The same tools are fine for a model that is not Gemini, and a clean schema is fine for Gemini.
    fake.script({ text: 'ok' }, { text: 'ok' });
    await client.chat.completions.create({ model: MODEL, messages, tools });
    const clean = { type: 'object', properties: { email: { type: 'string', description: 'an email address' } } };
    await client.chat.completions.create({ model: 'google/gemini-2.5-flash', messages, tools: [{ type: 'function', function: { name: 'x', parameters: clean } }] });
  });

  it('refuses, as providers do, a tool message for a call the model never issued, or a call left unanswered', async () => {
    fake.script({ toolCalls: [{ id: 'call_real', name: 'x', arguments: {} }] });
    await (await client.chat.completions.create({ model: MODEL, messages, stream: true })).toReadableStream().getReader().read();
    const call = { id: 'call_real', type: 'function' as const, function: { name: 'x', arguments: '{}' } };
    const renamed = { ...call, id: 'call_renamed_by_client' };
    const asked = { role: 'assistant' as const, content: null, tool_calls: [call] };
    const bad = [
      [{ role: 'assistant' as const, content: null, tool_calls: [renamed] }, { role: 'tool' as const, tool_call_id: renamed.id, content: 'r' }],
      [asked, { role: 'tool' as const, tool_call_id: 'call_other', content: 'r' }],
      [asked, { role: 'user' as const, content: 'and?' }],
      [{ role: 'tool' as const, tool_call_id: 'call_real', content: 'r' }],
    ];
    const errors = [];
    for (const transcript of bad) errors.push(await caught(client.chat.completions.create({ model: MODEL, messages: [...messages, ...transcript] })));
    expect(errors.map((e) => e.status)).toEqual([400, 400, 400, 400]);
    expect(errors[0].message).toContain('is not one the model issued');
    expect(errors[1].message).toContain("messages with role 'tool' must be a response to a preceeding message with 'tool_calls'");
    expect(errors[2].message).toContain('The following tool_call_ids did not have response messages: call_real');
    fake.script({ text: 'ok' });
    const good = await client.chat.completions.create({ model: MODEL, messages: [...messages, asked, { role: 'tool', tool_call_id: 'call_real', content: 'r' }] });
    expect(good.choices[0]!.message.content).toBe('ok');
  });

  it('streams reasoning_details in fragments and requires them back with the calls they came with', async () => {
    const details = [
      { type: 'reasoning.text', text: 'The user wants the org.', signature: 'sig-abc', format: 'anthropic-claude-v1' },
      { type: 'reasoning.encrypted', data: 'opaque-blob', format: 'google-gemini-v1' },
    ];
    fake.script({ reasoning: { text: 'Thinking it over.', details }, toolCalls: [{ id: 'call_r1', name: 'x', arguments: {} }] });
    const { data } = await rawStream({});
    const fragments = data.slice(0, -1).map((d) => JSON.parse(d).choices[0]?.delta ?? {}).filter((d) => d.reasoning_details);
    expect(fragments).toHaveLength(4);
    expect(fragments[0].reasoning_details[0]).toEqual({ index: 0, type: 'reasoning.text', text: 'The user wan', format: 'anthropic-claude-v1' });
    expect(fragments[1].reasoning_details[0]).toEqual({ index: 0, type: 'reasoning.text', text: 'ts the org.', signature: 'sig-abc' });
    const call = { id: 'call_r1', type: 'function' as const, function: { name: 'x', arguments: '{}' } };
    const answer = { role: 'tool' as const, tool_call_id: 'call_r1', content: 'r' };
    const without = await caught(client.chat.completions.create({ model: MODEL, messages: [...messages, { role: 'assistant', content: null, tool_calls: [call] }, answer] }));
    expect(without.status).toBe(400);
    expect(without.message).toContain('thought_signature');
    fake.script({ text: 'ok' });
    const assistant = { role: 'assistant', content: null, tool_calls: [call], reasoning_details: details.map((d, index) => ({ index, ...d })) } as never;
    await client.chat.completions.create({ model: MODEL, messages: [...messages, assistant, answer] });
  });

  it('fails loudly (500) when the test did not script a turn', async () => {
    const err = await caught(client.chat.completions.create({ model: MODEL, messages }));
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err.message).toContain('did not script a turn');
  });

  it('surfaces a mid-stream error chunk to the consumer', async () => {
    fake.script({ streamError: { message: 'Provider disconnected', code: 502 }, afterText: ['par', 'tial'] });
    const stream = await client.chat.completions.create({ model: MODEL, messages, stream: true });
    let text = '';
    const err = await caught(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      })(),
    );
    expect(text).toBe('partial');
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.message).toBe('Provider disconnected');
    expect(err.code).toBe(502);

    fake.script({ streamError: { message: 'boom' } });
    const { res, data } = await rawStream({});
    expect(res.status).toBe(200);
    expect(JSON.parse(data.at(-1)!)).toMatchObject({
      object: 'chat.completion.chunk',
      error: { code: 502, message: 'boom' },
      choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }],
    });
  });

  it('records a client abort (AbortController) on the request', async () => {
    fake.script({ hangAfter: ['thinking'] });
    const ac = new AbortController();
    const stream = await client.chat.completions.create({ model: MODEL, messages, stream: true }, { signal: ac.signal });
    const seen: string[] = [];
    await caught(
      (async () => {
        for await (const chunk of stream) {
          seen.push(chunk.choices[0]?.delta.content ?? '');
          ac.abort();
        }
        throw new Error('iteration ended without error'); // SDK swallows its own abort error
      })(),
    );
    expect(seen).toEqual(['thinking']);
    expect(await fake.waitForAbort(0, 1000)).toBe(true);
    expect(fake.requests[0]!.aborted).toBe(true);
  });

  it('dropAfter destroys the socket mid-stream and the SDK iteration throws', async () => {
    fake.script({ dropAfter: ['half an ans'] });
    const stream = await client.chat.completions.create({ model: MODEL, messages, stream: true });
    let text = '';
    const err = await caught(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      })(),
    );
    expect(text).toBe('half an ans');
    expect(err).toBeInstanceOf(Error);
    expect(fake.requests[0]!.aborted).toBe(false); // the server hung up, not the client
  });

  it('uses queued turns before the responder and passes the request index', async () => {
    const seen: number[] = [];
    fake.script({ text: 'queued' });
    fake.respondWith((_body, index) => {
      seen.push(index);
      return { text: `dynamic ${index}` };
    });
    const texts: Array<string | null> = [];
    for (let i = 0; i < 3; i++) {
      const c = await client.chat.completions.create({ model: MODEL, messages });
      texts.push(c.choices[0]!.message.content);
    }
    expect(texts).toEqual(['queued', 'dynamic 1', 'dynamic 2']);
    expect(seen).toEqual([1, 2]);
  });
});
