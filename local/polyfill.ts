/**
 * aws-local-stepfunctions 3 calls `Promise.withResolvers` (Node 22+); the local tools run on Node 20.
 * Imported before the library by everything that runs it.
 */
type WithResolvers = <T>() => {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason?: unknown) => void;
};

const PromiseWith = Promise as unknown as { withResolvers?: WithResolvers };
if (typeof PromiseWith.withResolvers !== 'function') {
  const withResolvers: WithResolvers = <T>() => {
    let resolve!: (value: T) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
  Object.defineProperty(Promise, 'withResolvers', {
    value: withResolvers,
    configurable: true,
    writable: true,
  });
}
