import { ProjectedEvent, Projection, ViewDocument } from '../views';

/**
 * Given a view, when an event arrives, then this view; and the same event delivered again changes
 * nothing. Inputs are frozen, so a projection that mutates them fails.
 */
export function projectionSpecification<V extends ViewDocument>({ evolve }: Projection<V>) {
  return (view: V | null) => ({
    when: (event: ProjectedEvent) => ({
      then(expected: V | null): void {
        const once = evolve(deepFreeze(view), deepFreeze(event));
        expect(once).toStrictEqual(expected);
        expect(evolve(once, event)).toStrictEqual(once);
      },
    }),
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export const ESTABLISHED_AT = '2025-03-01T09:30:00.000Z';
export const LATER = '2025-03-02T14:05:07.250Z';
