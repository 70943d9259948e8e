import type { Construct, IConstruct } from 'constructs';

/** A readable construct id for a monitored construct, unique under `scope` (`Training` + `Cluster` → `TrainingCluster`, `TrainingCluster2`). */
export function monitoredId(prefix: string, scope: Construct, target: IConstruct): string {
  const base = `${prefix}${target.node.id.replace(/[^A-Za-z0-9]/g, '')}`;
  let id = base;
  for (let n = 2; scope.node.tryFindChild(id); n++) id = `${base}${n}`;
  return id;
}
