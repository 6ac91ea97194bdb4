import { CustomerCommand } from '../commands';
import { CustomerAccount, evolve, initialState } from '../customer-account';
import { decide } from '../decide';
import { CustomerEvent } from '../events';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ErrorClass<E extends Error> = new (...args: any[]) => E;

export const fold = (events: readonly CustomerEvent[], from: CustomerAccount = initialState): CustomerAccount =>
  events.reduce(evolve, from);

/**
 * Given past events, when a command is decided, then these events are emitted (returning the state
 * they lead to, for further checks) or this error is thrown.
 */
export const spec = {
  given: (history: readonly CustomerEvent[]) => ({
    when: (command: CustomerCommand) => ({
      then(expected: readonly CustomerEvent[]): CustomerAccount {
        const state = fold(history);
        const actual = decide(command, state);
        expect(actual).toStrictEqual(expected);
        return fold(actual, state);
      },
      thenThrows<E extends Error>(errorClass: ErrorClass<E>, predicate?: (error: E) => boolean): E {
        let thrown: unknown;
        try {
          decide(command, fold(history));
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(errorClass);
        if (predicate) expect(predicate(thrown as E)).toBe(true);
        return thrown as E;
      },
    }),
  }),
};
