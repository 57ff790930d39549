import { asc, and, desc, eq, gte, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { conversationMessages, conversations } from '../db/schema.ts';
import type { TranscriptMessage } from './transcript.ts';

/** A conversation as a list shows it: the content of its first user message stands in for a title. */
export interface ConversationRow {
  id: string;
  createdAt: Date;
  updatedAt: Date;
  firstUserContent: unknown;
}

/**
 * Each user's conversations and their transcripts, in the database so that every instance (and a
 * restarted one) continues them. Keyed by the user and the client's conversation id, so one user's
 * id never reaches another user's transcript.
 */
export class ConversationStore {
  constructor(private readonly db: Db) {}

  /** The transcript in order; [] for a conversation the server does not know yet. */
  async load(userId: string, conversationId: string): Promise<TranscriptMessage[]> {
    return (await this.loadTimed(userId, conversationId)).map((r) => r.message);
  }

  /** The transcript in order with the time each message was stored (what a page shows beside it). */
  async loadTimed(userId: string, conversationId: string): Promise<Array<{ message: TranscriptMessage; createdAt: Date }>> {
    const rows = await this.db
      .select({ message: conversationMessages.message, createdAt: conversationMessages.createdAt })
      .from(conversationMessages)
      .where(this.messagesOf(userId, conversationId))
      .orderBy(asc(conversationMessages.position));
    return rows.map((r) => ({ message: r.message as TranscriptMessage, createdAt: r.createdAt }));
  }

  /** Appends messages at the next positions; two runs appending at once each get their own range. */
  async append(userId: string, conversationId: string, messages: readonly TranscriptMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const n = messages.length;
    const [row] = await this.db
      .insert(conversations)
      .values({ appUserId: userId, id: conversationId, messageCount: n })
      .onConflictDoUpdate({
        target: [conversations.appUserId, conversations.id],
        set: { messageCount: sql`${conversations.messageCount} + ${n}`, updatedAt: sql`now()` },
      })
      .returning({ count: conversations.messageCount });
    const first = row!.count - n;
    await this.db.insert(conversationMessages).values(messages.map((message, i) => ({
      appUserId: userId, conversationId, position: first + i, message,
    })));
  }

  /** Keeps the first `keep` messages (a regenerated turn drops its old answer); later appends follow them. */
  async truncate(userId: string, conversationId: string, keep: number): Promise<void> {
    await this.db.delete(conversationMessages).where(and(this.messagesOf(userId, conversationId), gte(conversationMessages.position, keep)));
    await this.db.update(conversations).set({ messageCount: keep, updatedAt: sql`now()` })
      .where(and(eq(conversations.appUserId, userId), eq(conversations.id, conversationId)));
  }

  /** The user's conversations, most recently used first, each with its first user message's content. */
  async list(userId: string, limit: number): Promise<ConversationRow[]> {
    const first = sql<unknown>`(
      select ${conversationMessages.message} -> 'content' from ${conversationMessages}
      where ${conversationMessages.appUserId} = ${conversations.appUserId} and ${conversationMessages.conversationId} = ${conversations.id}
        and ${conversationMessages.message} ->> 'role' = 'user'
      order by ${conversationMessages.position} limit 1)`;
    return this.db
      .select({ id: conversations.id, createdAt: conversations.createdAt, updatedAt: conversations.updatedAt, firstUserContent: first })
      .from(conversations)
      .where(eq(conversations.appUserId, userId))
      .orderBy(desc(conversations.updatedAt), desc(conversations.createdAt))
      .limit(limit);
  }

  /** One conversation's row, or undefined when the user has none by that id. */
  async find(userId: string, conversationId: string): Promise<Omit<ConversationRow, 'firstUserContent'> | undefined> {
    const [row] = await this.db
      .select({ id: conversations.id, createdAt: conversations.createdAt, updatedAt: conversations.updatedAt })
      .from(conversations)
      .where(and(eq(conversations.appUserId, userId), eq(conversations.id, conversationId)));
    return row;
  }

  /** Deletes a conversation and its transcript; false when the user has none by that id. */
  async remove(userId: string, conversationId: string): Promise<boolean> {
    await this.db.delete(conversationMessages).where(this.messagesOf(userId, conversationId));
    const gone = await this.db.delete(conversations)
      .where(and(eq(conversations.appUserId, userId), eq(conversations.id, conversationId)))
      .returning({ id: conversations.id });
    return gone.length > 0;
  }

  private messagesOf(userId: string, conversationId: string) {
    return and(eq(conversationMessages.appUserId, userId), eq(conversationMessages.conversationId, conversationId));
  }
}
