import { z } from 'zod';
import { normalisePlace } from '../src/rights/places.ts';
import { defineSetting, envList } from './define.ts';

// Each place is read by the same parser as `owner-sites add`, so a typo fails at start.
const placeList = envList.transform((places, ctx) =>
  places.flatMap((place) => {
    try {
      return [normalisePlace(place)];
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return [];
    }
  }),
);

/** Settings of the rights stage: who the publisher is, and its own sites. */
export const rightsSettings = {
  // Sites given here are owner sites besides those added with `copyhound owner-sites add`; a
  // deployment can then declare them once in its environment.
  ownerSites: defineSetting(
    'COPYHOUND_OWNER_SITES',
    placeList,
    [] as string[],
    'The publisher\'s own sites, comma-separated places ("example.com", "*.example.com", "https://example.com/news/"); pages there are never reports.',
  ),
  publisherName: defineSetting('COPYHOUND_PUBLISHER_NAME', z.string().trim().min(1).max(200), 'Publisher', 'The publisher\'s name: the assigner of exported ODRL agreements.'),
  publisherUid: defineSetting(
    'COPYHOUND_PUBLISHER_UID',
    z.string().trim().min(1).max(500),
    'urn:copyhound:publisher',
    'The publisher\'s identifier (an IRI): the assigner uid of exported ODRL agreements.',
  ),
};
