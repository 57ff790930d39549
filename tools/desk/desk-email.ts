import { z } from 'zod';

/** An email address, checked by pattern (a `format: email` keyword is one some model providers refuse). */
export const emailAddress = (what: string) =>
  z.string().trim().max(254).regex(/^[^\s@,;<>]+@[^\s@,;<>]+\.[^\s@,;<>]+$/, 'an email address such as ana@example.com').describe(what);
