import { describe, expect, it } from 'vitest';
import { closeDanglingCalls, nameCalls, recentTurns, toolMessage, type TranscriptMessage } from '../../src/agent/transcript.ts';

const call = (id: string, name = 'crm_get_org') => ({ id, type: 'function' as const, function: { name, arguments: '{}' } });
const user = (content: string): TranscriptMessage => ({ role: 'user', content });
const asks = (...ids: string[]): TranscriptMessage => ({ role: 'assistant', content: null, tool_calls: ids.map((id) => call(id)) });

describe('the transcript', () => {
  it('keeps the model\'s ids, and mints one (used on both sides) for a missing or repeated id', () => {
    const earlier = [user('a'), asks('call_0'), toolMessage('call_0', 'r')];
    const named = nameCalls([{ id: 'call_0', name: 'x', arguments: '' }, { id: '', name: 'y', arguments: '' }, { id: 'toolu_9', name: 'z', arguments: '' }], earlier);
    expect(named[0]!.toolCallId).toBe(named[0]!.callId);
    expect(named[1]!.toolCallId).toBe(named[1]!.callId);
    expect(named[2]).toMatchObject({ toolCallId: 'toolu_9' });
    expect(named[2]!.callId).toMatch(/^call_[0-9a-f-]{36}$/);
    expect(new Set(named.map((c) => c.callId)).size).toBe(3);
  });

  it('answers each call exactly once, right after it: a missing answer is closed, an orphan or second one dropped', () => {
    const messages = [user('a'), asks('c1', 'c2'), toolMessage('c2', 'two'), toolMessage('c9', 'orphan'), user('b'), toolMessage('c2', 'again'), toolMessage('c1', 'one')];
    const { messages: out, added } = closeDanglingCalls(messages, (c) => `closed ${c.id}`);
    expect(out).toEqual([user('a'), asks('c1', 'c2'), toolMessage('c1', 'one'), toolMessage('c2', 'two'), user('b')]);
    expect(added).toEqual([]);
    const open = closeDanglingCalls([user('a'), asks('c3')], (c) => `closed ${c.id} (${c.name})`);
    expect(open.added).toEqual([toolMessage('c3', 'closed c3 (crm_get_org)')]);
  });

  it('sends the most recent whole turns of a long conversation, never parting a call from its answer', () => {
    const turns = Array.from({ length: 5 }, (_, i) => [user(`q${i}`), asks(`c${i}`), toolMessage(`c${i}`, 'x'.repeat(100))]).flat();
    const recent = recentTurns(turns, { maxMessages: 7, maxChars: 10_000 });
    expect(recent[0]).toEqual(user('q3'));
    expect(recent).toHaveLength(6);
    expect(recentTurns(turns, { maxMessages: 100, maxChars: 50 })[0]).toEqual(user('q4'));
    expect(recentTurns(turns)).toHaveLength(15);
  });
});
