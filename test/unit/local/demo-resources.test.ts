import { describe, expect, it } from 'vitest';
import { ResourceInputSchema } from '#domain/resources.ts';
import { PROGRAM_REGIONS } from '#domain/roles.ts';
import { demoResources } from '../../../local/demo-resources.ts';

describe('the demo directory', () => {
  it.each(PROGRAM_REGIONS)('gives %s 20 to 40 valid, invented entries across the categories', (region) => {
    // Act
    const entries = demoResources(region);

    // Assess
    expect(entries.length).toBeGreaterThanOrEqual(20);
    expect(entries.length).toBeLessThanOrEqual(40);
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
    for (const { input } of entries) {
      expect(ResourceInputSchema.parse(input)).toEqual(input);
      expect(input.phone).toMatch(/^604-555-01\d\d$/);
      expect(input.website).toMatch(/\.example\.org$/);
    }
    const categories = new Set(entries.map((e) => e.input.category));
    for (const category of ['FOOD', 'PEER_GROUP', 'EMPLOYMENT', 'ARTS'])
      expect(categories).toContain(category);
  });
});
