import * as z from 'zod/mini';

/** `?month=YYYY-MM` of the paid-time export. */
export const MonthQuerySchema = z.object({
  month: z
    .string()
    .check(
      z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Must be a month as YYYY-MM'),
      z.meta({ description: 'The month (America/Vancouver), YYYY-MM', examples: ['2026-03'] }),
    ),
});

/** A CSV file: UTF-8 with a byte-order mark, a header row, CRLF line ends. */
export const CsvSchema = z.string().check(
  z.meta({
    description: 'CSV (UTF-8 with a BOM; header row first)',
    examples: ['\uFEFFworker_id,first_name,session_hours,total_hours\r\n'],
  }),
);
