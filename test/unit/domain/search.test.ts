import { describe, expect, it } from 'vitest';
import { foldTerm, lookupPrefix, MAX_NAME_TOKENS, namePrefixes, nameStartsWith } from '#domain/search.ts';

describe('search tokens', () => {
  it('indexes prefixes of the whole hyphenated name and of each part, folded', () => {
    const tokens = namePrefixes({ givenName: 'René', familyName: 'Okonkwo-Hale' });
    for (const t of ['ok', 'okonkwo', 'okonkwohale', 'ha', 'hale', 're', 'rene']) expect(tokens).toContain(t);
    expect(tokens).not.toContain('o');
    expect(tokens.some((t) => /[^a-z0-9]/.test(t))).toBe(false);
  });

  it('caps prefixes at 12 characters and the tokens per client', () => {
    const tokens = namePrefixes({
      givenName: 'Maximilianarosalind Beatrix',
      familyName: 'Wolfeschlegelstein-Hausenberger',
    });
    expect(Math.max(...tokens.map((t) => t.length))).toBe(12);
    expect(tokens.length).toBeLessThanOrEqual(MAX_NAME_TOKENS);
  });

  it('folds a term as names are folded and looks long ones up by their first 12 letters', () => {
    expect(foldTerm(" O'Kón-kwo ")).toBe('okonkwo');
    expect(lookupPrefix('wolfeschlegelstein')).toBe('wolfeschlege');
    expect(nameStartsWith({ givenName: 'Ann', familyName: 'Wolfeschlegelstein' }, 'wolfeschlegelstein')).toBe(
      true,
    );
    expect(nameStartsWith({ givenName: 'Ann', familyName: 'Wolfeschlegelsteen' }, 'wolfeschlegelstein')).toBe(
      false,
    );
  });
});
