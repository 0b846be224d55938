// The prior for a DraftKings player the lake has no minutes for (a rookie, a two-way call-up, a player the
// name matcher could not place): whether he plays and his minutes when he does, by DraftKings salary band and
// position group. DraftKings' salary already prices his expected role, so it carries most of the signal.
//
// How the numbers were set, from the 15 shared slates of 2026-03 (../shared/pregame) against who logged
// minutes in box_scores_2026 (players listed Out or Suspended and the partial team-games of 2026-03-11 left
// out; minutes of the game-log part are whole minutes):
// - minutes when he plays: every DraftKings row that logged minutes that night, by band and group (n each);
// - play probability: the 55 rows with no history (all $3,000-3,500) played 5 times; shrunk toward the band's
//   rate for players with history (0.40) with 10 games: (5 + 4) / 65 = 0.14. No row above $3,500 lacked
//   history, so those bands take the rate of players with history on 2026-03-12..15 (the dates whose injury
//   lists are complete, so an absent regular is not counted as a no-show): 105/117, 84/89, 106/113.

import { defined } from '../data/checked.ts';

export type PositionGroup = 'G' | 'F' | 'C';

export interface NoHistoryPrior {
  readonly band: string;
  readonly group: PositionGroup;
  readonly playProb: number;
  /** Minutes when he plays. */
  readonly minutesMean: number;
  readonly minutesP10: number;
  readonly minutesP50: number;
  readonly minutesP90: number;
  /** Rows the minutes figures rest on. */
  readonly n: number;
}

interface Band {
  readonly label: string;
  /** Highest salary in the band. */
  readonly maxSalary: number;
  readonly playProb: number;
  readonly minutes: Readonly<Record<PositionGroup, readonly [mean: number, p10: number, p50: number, p90: number, n: number]>>;
}

const BANDS: readonly Band[] = [
  {
    label: '<=3500',
    maxSalary: 3500,
    playProb: 0.14,
    minutes: { C: [12.4, 2, 12, 23, 85], F: [13.0, 3, 13, 23, 177], G: [12.0, 2, 11, 25, 166] },
  },
  {
    label: '3600-4500',
    maxSalary: 4500,
    playProb: 0.9,
    minutes: { C: [18.4, 11, 19, 29, 77], F: [21.4, 11, 21, 32, 123], G: [21.0, 12, 22, 31, 212] },
  },
  {
    label: '4600-6000',
    maxSalary: 6000,
    playProb: 0.94,
    minutes: { C: [23.1, 16, 23, 32, 73], F: [26.2, 18, 27, 33, 164], G: [25.8, 17, 25, 35, 155] },
  },
  {
    label: '>6000',
    maxSalary: Infinity,
    playProb: 0.94,
    minutes: { C: [28.4, 17, 29, 38, 66], F: [31.4, 25, 32, 38, 137], G: [31.5, 24, 32, 39, 246] },
  },
];

/** The group of DraftKings' first listed position: PG/SG -> G, SF/PF -> F, C -> C (G or F alone kept). */
export function positionGroup(position: string): PositionGroup {
  const first = position.split('/')[0]?.trim().toUpperCase() ?? '';
  if (first === 'C') return 'C';
  if (first === 'SF' || first === 'PF' || first === 'F') return 'F';
  return 'G';
}

export function noHistoryPrior(position: string, salary: number): NoHistoryPrior {
  const band = defined(
    BANDS.find((b) => salary <= b.maxSalary),
    `a salary band for $${salary}`,
  );
  const group = positionGroup(position);
  const [minutesMean, minutesP10, minutesP50, minutesP90, n] = band.minutes[group];
  return { band: band.label, group, playProb: band.playProb, minutesMean, minutesP10, minutesP50, minutesP90, n };
}
