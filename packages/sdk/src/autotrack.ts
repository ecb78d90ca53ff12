/**
 * What the browser tracker watches on its own: history navigation (single-page apps), link
 * clicks and the visitor's activity for page pings. Each watcher returns the function that
 * undoes it, so `shutdown()` leaves the page as it found it.
 */
export type Off = () => void;

export function listen<E extends Event>(
  target: EventTarget,
  type: string,
  handler: (event: E) => void,
  options: AddEventListenerOptions = {},
): Off {
  target.addEventListener(type, handler as EventListener, options);
  return () => target.removeEventListener(type, handler as EventListener, options);
}

/** Calls `onChange` after `history.pushState`/`replaceState` and on `popstate`. */
export function watchHistory(onChange: () => void): Off {
  const patch = (name: "pushState" | "replaceState"): Off => {
    const original = history[name];
    const patched = function (this: History, ...args: Parameters<History["pushState"]>) {
      original.apply(this, args);
      onChange();
    };
    history[name] = patched;
    return () => {
      if (history[name] === patched) history[name] = original;
    };
  };
  const offs = [patch("pushState"), patch("replaceState"), listen(window, "popstate", onChange)];
  return () => {
    for (const off of offs) off();
  };
}

/** Calls `onClick` for every link clicked; one listener on the document sees later links too. */
export function watchLinks(onClick: (link: HTMLAnchorElement) => void): Off {
  return listen(
    document,
    "click",
    (event) => {
      const link = (event.target as Element | null)?.closest?.("a[href]");
      if (link) onClick(link as HTMLAnchorElement);
    },
    { capture: true },
  );
}

export interface PagePingOptions {
  /** Seconds after a page view before the first ping (default 30). */
  minimumVisitLength?: number;
  /** Seconds between later pings (default 30). */
  heartbeatDelay?: number;
}

/** Snowplow's scroll range since the last ping: `pp_mix`, `pp_max`, `pp_miy`, `pp_may`. */
export type ScrollRange = Record<"pp_mix" | "pp_max" | "pp_miy" | "pp_may", string>;

/**
 * Page pings as Snowplow's activity tracking sends them: `minimumVisitLength` seconds after a
 * page view, then every `heartbeatDelay` seconds, a ping if the visitor moved, scrolled, typed
 * or touched since the last one. `reset()` restarts the clock at each page view.
 */
export function watchActivity(
  { minimumVisitLength = 30, heartbeatDelay = 30 }: PagePingOptions,
  onPing: (scroll: ScrollRange) => void,
): { reset: () => void; off: Off } {
  let active = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let x = [scrollX, scrollX];
  let y = [scrollY, scrollY];
  const restartRange = () => {
    x = [scrollX, scrollX];
    y = [scrollY, scrollY];
  };
  const mark = () => {
    active = true;
    x = [Math.min(x[0] ?? scrollX, scrollX), Math.max(x[1] ?? scrollX, scrollX)];
    y = [Math.min(y[0] ?? scrollY, scrollY), Math.max(y[1] ?? scrollY, scrollY)];
  };
  const tick = () => {
    if (active) {
      const r = (n: number | undefined) => String(Math.round(n ?? 0));
      onPing({ pp_mix: r(x[0]), pp_max: r(x[1]), pp_miy: r(y[0]), pp_may: r(y[1]) });
      active = false;
      restartRange();
    }
    timer = setTimeout(tick, heartbeatDelay * 1000);
  };
  const offs = ["mousemove", "mousedown", "keydown", "scroll", "touchstart", "wheel"].map((type) =>
    listen(document, type, mark, { capture: true, passive: true }),
  );
  return {
    reset() {
      clearTimeout(timer);
      active = false;
      restartRange();
      timer = setTimeout(tick, minimumVisitLength * 1000);
    },
    off() {
      clearTimeout(timer);
      for (const off of offs) off();
    },
  };
}
