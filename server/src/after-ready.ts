/**
 * The server answers `initialize` at once, before the tree-sitter grammar is
 * loaded (compiling its wasm takes tens of ms): an editor then knows the
 * server's capabilities, such as formatting, as early as possible. Every
 * handler the server registers afterwards waits until the grammar is loaded:
 * messages that arrive before are handled then, in their order of arrival;
 * afterwards they are handled at once, as usual.
 */

type Handler = (...args: never[]) => unknown;

/**
 * A handler that runs once `ready` has settled (at once when it has):
 * calls made before are queued on `ready` in their order.
 */
export function handlerAfter<H extends Handler>(ready: Promise<unknown>, handler: H, isReady: () => boolean): H {
  return ((...args: Parameters<H>) => (isReady() ? handler(...args) : ready.then(() => handler(...args)))) as H;
}

/**
 * `target` (an LSP connection) whose `on…` registration methods, also those
 * of its nested feature objects (`languages.callHierarchy.onPrepare`), wrap
 * the handlers they are given so that these run only after `ready`.
 * If `ready` rejects, the waiting handlers reject with it (a request gets
 * the error as its answer).
 */
export function afterReady<T extends object>(target: T, ready: Promise<unknown>): T {
  let settled = false;
  // Registered before any handler can wait on `ready`, so it runs before the queued handlers.
  ready.then(
    () => (settled = true),
    () => (settled = true),
  );
  const isReady = () => settled;
  const wrap = <O extends object>(object: O): O =>
    new Proxy(object, {
      get(inner, property, receiver) {
        const value: unknown = Reflect.get(inner, property, receiver);
        if (typeof value === 'function') {
          const method = value as (...args: unknown[]) => unknown;
          if (typeof property !== 'string' || !/^on([A-Z]|$)/.test(property)) return method.bind(inner);
          return (...args: unknown[]) =>
            method.apply(
              inner,
              args.map((arg) => (typeof arg === 'function' ? handlerAfter(ready, arg as Handler, isReady) : arg)),
            );
        }
        return value !== null && typeof value === 'object' ? wrap(value) : value;
      },
    });
  return wrap(target);
}
