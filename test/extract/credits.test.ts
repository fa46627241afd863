import { describe, expect, it } from 'vitest';
import { findCredits } from '../../src/extract/credits.ts';

describe('findCredits', () => {
  it('finds wire datelines at the start of the first paragraphs', () => {
    expect(findCredits(['BRUSSELS (AA) – Russia’s ongoing airstrikes in Syria are undermining the peace talks.'])).toEqual(['BRUSSELS (AA) –']);
    expect(findCredits(['WASHINGTON (Reuters) - The U.S. Senate on Tuesday passed the bill.'])).toEqual(['WASHINGTON (Reuters) -']);
    expect(findCredits(['(AP) — A magnitude 6.1 earthquake struck on Monday.'])).toEqual(['(AP) —']);
    expect(findCredits(['(EFE).- Nicaragua cerró 2021 con una deuda externa total de 14.372,4 millones.'])).toEqual(['(EFE).-']);
    expect(findCredits(['SAN JOSÉ, Costa Rica (AFP) — Heavy rains flooded the capital.'])).toEqual(['SAN JOSÉ, Costa Rica (AFP) —']);
  });

  it('ignores parentheses that are not a dateline', () => {
    expect(findCredits(['The company (founded in 1990) - a family firm - grew quickly.', 'It said so on Monday.'])).toEqual([]);
    expect(findCredits(['Nothing special here.', 'Or here, at all.', 'Still nothing.', 'LONDON (Reuters) - too late to be a dateline.'])).toEqual([]);
  });

  it('finds source, photo and reporting credit lines', () => {
    const credits = findCredits([
      'The minister resigned on Friday.',
      'Source: Reuters',
      'Foto: dpa/Michael Kappeler',
      'Reporting by Jane Doe; Editing by John Roe',
    ]);
    expect(credits).toEqual(['Source: Reuters', 'Foto: dpa/Michael Kappeler', 'Reporting by Jane Doe; Editing by John Roe']);
  });

  it('finds a bare agency credit closing the text', () => {
    expect(findCredits(['Die Regierung will das Gesetz im Herbst beschließen. (dpa)'])).toEqual(['(dpa)']);
  });

  it('does not take long prose for a credit line', () => {
    const prose = `Source: ${'a long sentence that goes on and on '.repeat(8)}`;
    expect(findCredits(['Intro.', prose])).toEqual([]);
  });
});
