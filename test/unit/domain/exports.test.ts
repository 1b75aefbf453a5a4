import { describe, expect, it } from 'vitest';
import { csvCell, paidTimeCsv, toCsv } from '#domain/exports.ts';

describe('CSV', () => {
  it('quotes commas, quotes and line breaks, and neutralises formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-1.5)).toBe('-1.5');
    expect(csvCell(undefined)).toBe('');
  });

  it('starts with a BOM and ends every row with CRLF', () => {
    expect(toCsv(['a', 'b'], [[1, 'é']])).toBe('\uFEFFa,b\r\n1,é\r\n');
  });

  it('gives payroll one row per worker, a column per kind of paid time and a total in hours', () => {
    const csv = paidTimeCsv(
      [
        { workerId: 'w2', kind: 'SESSION', minutes: 90 },
        { workerId: 'w1', kind: 'SESSION', minutes: 30 },
        { workerId: 'w1', kind: 'TRAINING', minutes: 60 },
      ],
      new Map([
        ['w1', 'Bo'],
        ['w2', 'Ada'],
      ]),
    );
    expect(csv).toBe(
      '\uFEFFworker_id,first_name,session_hours,training_hours,total_hours\r\nw2,Ada,1.5,0,1.5\r\nw1,Bo,0.5,1,1.5\r\n',
    );
  });
});
