import { z } from 'zod';

// Request bodies, validated at the edge. Multipart fields arrive as strings, hence the
// string forms of booleans.

const booleanField = z
  .union([z.boolean(), z.enum(['true', 'false'])])
  .transform((v) => v === true || v === 'true');

export const addTorrentBody = z
  .object({
    url: z.string().min(1).max(4096).optional(),
    magnet: z.string().min(1).max(8192).optional(),
    torrent: z
      .string()
      .max(16 * 1024 * 1024)
      .regex(/^[A-Za-z0-9+/=\s]*$/, 'torrent must be base64')
      .optional(),
    saveDir: z.string().min(1).max(4096).optional(),
    paused: booleanField.optional(),
  })
  .strict();

const limit = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const limitsBody = z
  .object({
    uploadRateLimit: limit.optional(),
    downloadRateLimit: limit.optional(),
    maxConnections: z.number().int().min(0).max(100_000).optional(),
  })
  .strict();

export const createBody = z
  .object({
    path: z.string().min(1).max(4096),
    trackers: z.array(z.string().url()).max(100),
    publishTo: z.string().url().optional(),
    title: z.string().max(300).optional(),
    description: z.string().max(20_000).optional(),
    category: z.string().max(100).optional(),
    // A list, or one comma-separated string as the catalog's own upload form takes it.
    tags: z
      .union([
        z.array(z.string().max(100)).max(50),
        z
          .string()
          .max(5000)
          .transform((t) =>
            t
              .split(',')
              .map((x) => x.trim())
              .filter((x) => x !== ''),
          ),
      ])
      .optional(),
    private: z.boolean().optional(),
    comment: z.string().max(2000).optional(),
    pieceLength: z
      .number()
      .int()
      .min(16 * 1024)
      .max(64 * 1024 * 1024)
      .refine((n) => (n & (n - 1)) === 0, 'pieceLength must be a power of two')
      .optional(),
  })
  .strict();

export const infoHashParam = z
  .string()
  .regex(/^[0-9a-fA-F]{40}$/, 'infoHash must be 40 hexadecimal characters')
  .transform((s) => s.toLowerCase());

export const deleteDataQuery = z
  .enum(['true', 'false'], { message: 'deleteData must be true or false' })
  .optional()
  .transform((v) => v === 'true');
