// The merchant pool: faker-generated names, a realistic ISO 18245 merchant category code (weighted the
// way UK card spend is), a country, and the channels a card is used on at that kind of merchant.
// Names are untrusted text: they are kept exactly as generated (apostrophes, ampersands and all).
// Only the en_GB locale module (en_GB over en over base), not the package's index, which loads every locale:
// that cost ~1.5 s of CPU at every start of the CLI.
import type { Faker } from '@faker-js/faker';
import { faker as enGbFaker } from '@faker-js/faker/locale/en_GB';
import type { Channel, Merchant } from '../../../services/card-processor/contract.ts';
import { hashSeed } from '../../../services/common/random.ts';

export interface MccEntry {
  mcc: string;
  description: string;
  /** A word that fits a shop name of this kind ("Bakery", "Taxis"). */
  noun: string;
  /** Relative share of merchants of this kind in the pool. */
  weight: number;
  /** Channels cards are used on at this kind of merchant, with relative weights. */
  channels: ReadonlyArray<readonly [Channel, number]>;
}

/** A realistic subset of ISO 18245 codes, weighted roughly like everyday UK card spend. */
export const MCC_TABLE: readonly MccEntry[] = [
  { mcc: '5411', description: 'Grocery stores, supermarkets', noun: 'Supermarket', weight: 18, channels: [['contactless', 6], ['pos', 3], ['ecommerce', 1]] },
  { mcc: '5812', description: 'Eating places, restaurants', noun: 'Kitchen', weight: 10, channels: [['contactless', 6], ['pos', 3], ['ecommerce', 1]] },
  { mcc: '5814', description: 'Fast food restaurants', noun: 'Grill', weight: 9, channels: [['contactless', 7], ['pos', 1], ['ecommerce', 2]] },
  { mcc: '5813', description: 'Bars, taverns, pubs', noun: 'Arms', weight: 6, channels: [['contactless', 8], ['pos', 2]] },
  { mcc: '5499', description: 'Convenience and speciality food stores', noun: 'Bakery', weight: 6, channels: [['contactless', 8], ['pos', 2]] },
  { mcc: '5541', description: 'Service stations', noun: 'Motors', weight: 4, channels: [['contactless', 5], ['pos', 5]] },
  { mcc: '4111', description: 'Local and suburban commuter transport', noun: 'Transit', weight: 5, channels: [['contactless', 9], ['ecommerce', 1]] },
  { mcc: '4121', description: 'Taxicabs and limousines', noun: 'Cars', weight: 3, channels: [['ecommerce', 6], ['contactless', 4]] },
  { mcc: '5311', description: 'Department stores', noun: 'Stores', weight: 3, channels: [['contactless', 4], ['pos', 3], ['ecommerce', 3]] },
  { mcc: '5651', description: 'Family clothing stores', noun: 'Outfitters', weight: 4, channels: [['pos', 3], ['contactless', 3], ['ecommerce', 4]] },
  { mcc: '5732', description: 'Electronics stores', noun: 'Electronics', weight: 2, channels: [['pos', 4], ['ecommerce', 6]] },
  { mcc: '5912', description: 'Drug stores and pharmacies', noun: 'Pharmacy', weight: 4, channels: [['contactless', 7], ['pos', 3]] },
  { mcc: '5942', description: 'Book stores', noun: 'Books', weight: 1, channels: [['contactless', 4], ['ecommerce', 6]] },
  { mcc: '5999', description: 'Miscellaneous and speciality retail', noun: 'Goods', weight: 4, channels: [['ecommerce', 5], ['contactless', 3], ['pos', 2]] },
  { mcc: '5964', description: 'Direct marketing, catalogue merchants', noun: 'Direct', weight: 2, channels: [['ecommerce', 1]] },
  { mcc: '5968', description: 'Direct marketing, subscription merchants', noun: 'Club', weight: 2, channels: [['recurring', 8], ['ecommerce', 2]] },
  { mcc: '4899', description: 'Cable, satellite and pay television', noun: 'TV', weight: 1, channels: [['recurring', 1]] },
  { mcc: '4814', description: 'Telecommunication services', noun: 'Mobile', weight: 2, channels: [['recurring', 8], ['ecommerce', 2]] },
  { mcc: '4900', description: 'Utilities: electric, gas, water', noun: 'Energy', weight: 1, channels: [['recurring', 1]] },
  { mcc: '5815', description: 'Digital goods: media, books, music', noun: 'Media', weight: 2, channels: [['ecommerce', 5], ['recurring', 5]] },
  { mcc: '5816', description: 'Digital goods: games', noun: 'Games', weight: 1, channels: [['ecommerce', 1]] },
  { mcc: '5817', description: 'Digital goods: applications', noun: 'Apps', weight: 1, channels: [['ecommerce', 6], ['recurring', 4]] },
  { mcc: '7011', description: 'Hotels, motels, resorts', noun: 'Hotel', weight: 1, channels: [['pos', 5], ['ecommerce', 5]] },
  { mcc: '4511', description: 'Airlines', noun: 'Airways', weight: 1, channels: [['ecommerce', 1]] },
  { mcc: '7832', description: 'Motion picture theatres', noun: 'Cinema', weight: 1, channels: [['contactless', 5], ['ecommerce', 5]] },
  { mcc: '7997', description: 'Clubs, gyms, country clubs', noun: 'Fitness', weight: 1, channels: [['recurring', 8], ['contactless', 2]] },
  { mcc: '7230', description: 'Barber and beauty shops', noun: 'Salon', weight: 1, channels: [['contactless', 7], ['pos', 3]] },
  { mcc: '5200', description: 'Home supply warehouse stores', noun: 'DIY', weight: 1, channels: [['pos', 5], ['contactless', 3], ['ecommerce', 2]] },
  { mcc: '6011', description: 'Automated cash disbursements (ATM)', noun: 'Cash', weight: 2, channels: [['atm', 1]] },
];

/** A merchant of the pool, with the channels cards are used on there. */
export interface PoolMerchant extends Merchant {
  channels: ReadonlyArray<readonly [Channel, number]>;
}

/** Share of merchants in the UK (the accounts are UK accounts); the rest get a faker country. */
export const HOME_COUNTRY = 'GB';
export const HOME_COUNTRY_SHARE = 0.85;

/** Statement-descriptor prefixes real payment facilitators put in front of the merchant's name. */
const FACILITATOR_PREFIXES = ['SQ *', 'SumUp *', 'PAYPAL *', 'IZ *', 'ZTL*'] as const;

function weightedIndex(weights: readonly number[], u: number): number {
  let total = 0;
  for (const w of weights) total += w;
  let x = u * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i] as number;
    if (x < 0) return i;
  }
  return weights.length - 1;
}

function merchantName(faker: Faker, entry: MccEntry): string {
  if (entry.mcc === '6011') return `${faker.location.city()} ${faker.helpers.arrayElement(['Cash Machine', 'ATM', 'Cashpoint'])}`;
  const style = faker.number.int({ min: 0, max: 9 });
  if (style < 5) return faker.company.name();
  if (style < 8) return `${faker.person.lastName()}'s ${entry.noun}`;
  if (style < 9) return `${faker.location.city()} ${entry.noun}`;
  return `${faker.helpers.arrayElement(FACILITATOR_PREFIXES)}${faker.company.name()}`.slice(0, 200);
}

/**
 * The merchant pool for a seed: `size` merchants, same seed -> same pool. A dedicated Faker instance
 * (en_GB, then en) is seeded here, never the global one, so nothing else can shift its sequence.
 */
export function merchantPool(seed: number, size: number): PoolMerchant[] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`merchant pool size must be a positive integer, got ${size}`);
  const FakerClass = enGbFaker.constructor as typeof Faker;
  const faker = new FakerClass({ locale: enGbFaker.rawDefinitions });
  faker.seed(hashSeed('merchants', seed));
  const weights = MCC_TABLE.map((e) => e.weight);
  const pool: PoolMerchant[] = [];
  for (let i = 0; i < size; i++) {
    const entry = MCC_TABLE[weightedIndex(weights, faker.number.float({ min: 0, max: 1 }))] as MccEntry;
    const name = merchantName(faker, entry);
    const home = faker.number.float({ min: 0, max: 1 }) < HOME_COUNTRY_SHARE;
    const country = home ? HOME_COUNTRY : faker.location.countryCode('alpha-2');
    pool.push({ name, mcc: entry.mcc, country, channels: entry.channels });
  }
  return pool;
}

/** Picks a channel for a card use at this merchant, given a uniform draw in [0, 1). */
export function channelFor(merchant: PoolMerchant, u: number): Channel {
  const channels = merchant.channels;
  let total = 0;
  for (const c of channels) total += c[1];
  let x = u * total;
  for (const c of channels) {
    x -= c[1];
    if (x < 0) return c[0];
  }
  return (channels[channels.length - 1] as readonly [Channel, number])[0];
}

/** The wire form of a pool merchant (name, mcc, country only). */
export function toMerchant(m: PoolMerchant): Merchant {
  return { name: m.name, mcc: m.mcc, country: m.country };
}
