import { defineConfig } from 'drizzle-kit';

// drizzle-kit only generates SQL from src/db/schema.ts; the app applies it at start (src/db/migrate.ts).
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
});
