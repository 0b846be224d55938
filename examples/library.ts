import { loadProfile, loadSlate, openLake, simulate } from 'slatesim';

const lake = await openLake(); // the embedded 2023-24 slice; openLake('path/to/lake') for your own
const slate = await loadSlate(lake); // the lake's last date (2024-01-31); loadSlate(lake, '2024-01-15') for another
const profile = await loadProfile('usage_shares_v1');
const sim = await simulate(slate, profile, { worlds: 1000, seed: 1, backend: 'cpu' });

const top = [...sim.rows].sort((a, b) => Number(b.dk_fpts_mean) - Number(a.dk_fpts_mean)).slice(0, 3);
for (const r of top)
  console.log(`${String(r.player_name)}: ${Number(r.dk_fpts_mean).toFixed(1)} DK points, p90 ${Number(r.dk_fpts_p90).toFixed(1)}`);
console.log(
  `${sim.rows.length} players in ${sim.games.length} games, ${sim.worlds} worlds on ${sim.backend.label}; usage violations ${sim.conservationViolations}`,
);
