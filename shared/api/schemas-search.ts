import * as z from 'zod/mini';
import { foldTerm, MIN_SEARCH_LENGTH } from '#domain/search.ts';
import { IsoDateSchema } from '#domain/vocabulary.ts';
import { ListQuerySchema } from './schemas.ts';

/** `GET /referrals/search?q=&dob=`: a name prefix (at least 2 letters once folded) and/or a date of birth. */
export const SearchQuerySchema = z
  .extend(ListQuerySchema, {
    q: z.optional(
      z.string().check(
        z.maxLength(100, 'Must be at most 100 characters'),
        z.refine((q) => foldTerm(q).length >= MIN_SEARCH_LENGTH, {
          error: `Must hold at least ${MIN_SEARCH_LENGTH} letters`,
        }),
        z.meta({
          description:
            'The start of the client’s family or given name (or of one part of a hyphenated name), at least 2 letters; case and accents do not matter',
          examples: ['okon'],
        }),
      ),
    ),
    dob: z.optional(
      IsoDateSchema.check(
        z.meta({ description: 'The client’s date of birth, YYYY-MM-DD', examples: ['1988-02-03'] }),
      ),
    ),
  })
  .check(
    z.refine((query) => query.q !== undefined || query.dob !== undefined, {
      error: 'Give a name prefix (`q`) or a date of birth (`dob`)',
      path: ['q'],
    }),
  );
