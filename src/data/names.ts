// Player-name normalisation for joining feeds that have no nba.com id (DraftKings): accents, suffixes,
// punctuation and case are dropped, so "Nikola Jokić", "Nikola Jokic" and "NIKOLA JOKIC" meet.

import { at } from './checked.ts';

const SUFFIXES = new Set(['jr', 'sr', 'ii', 'iii', 'iv', 'v']);

/**
 * Same person, different given name between DraftKings and nba.com (normalised forms, either direction).
 * Domain facts as data; add a pair when `lake salaries` reports one.
 */
const NAME_ALIASES: Readonly<Record<string, string>> = {
  'guillermo hernangomez': 'willy hernangomez',
  'nicolas claxton': 'nic claxton',
  'cameron thomas': 'cam thomas',
  'moe wagner': 'moritz wagner',
  'kenyon martin': 'kj martin',
  'herb jones': 'herbert jones',
  'bones hyland': 'nahshon hyland',
  'cameron reddish': 'cam reddish',
  // Seen on the 2026-03 DraftKings slates (../shared/pregame) against nba.com's 2025-26 box scores.
  'gregory jackson': 'gg jackson',
  'elijah harkless': 'ej harkless',
  'alexandre sarr': 'alex sarr',
};

export function normaliseName(name: string): string {
  const plain = plainName(name);
  return NAME_ALIASES[plain] ?? plain;
}

/** The name with accents, punctuation, case and suffixes dropped, before aliases apply. */
export function plainName(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // combining accents
    .toLowerCase()
    .replace(/[’'`.]/g, '') // D'Angelo -> dangelo, P.J. -> pj
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((w) => w.length > 0);
  while (words.length > 1 && SUFFIXES.has(at(words, words.length - 1))) words.pop();
  return words.join(' ');
}

/** The last word of the normalised name (suffixes already dropped). */
export function lastName(normalised: string): string {
  const words = normalised.split(' ');
  return words[words.length - 1] ?? '';
}
