// What the pages read from an experiment's spec and summary: the primary objective, its
// direction, the params and their definitions.

/** The objective the leaderboard ranks by: the first. */
export function primaryOf(exp) {
  const objectives = (exp.summary && exp.summary.objectives) || (exp.spec && exp.spec.objectives) || [];
  return objectives[0] || {metric: 'value', direction: 'MINIMIZE'};
}

export function isMax(objective) {
  return String(objective.direction).toUpperCase() === 'MAXIMIZE';
}

export function paramNames(exp) {
  const space = exp.spec && exp.spec.space;
  const params = space && (space.params || space);
  return params && typeof params === 'object' ? Object.keys(params) : [];
}

export function paramDef(exp, name) {
  const space = exp.spec && exp.spec.space;
  const params = space && (space.params || space);
  return params ? params[name] : null;
}
