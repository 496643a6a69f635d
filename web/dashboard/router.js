/**
 * History-API routing under /dashboard/: pages are real links (open in a new tab, bookmark, share), and
 * plain left clicks on them are handled here without reloading.
 *
 * @typedef {{ signal: AbortSignal, params: string[], query: URLSearchParams }} RouteContext
 * @typedef {{ path: RegExp, title: string | ((params: string[]) => string), render: (view: HTMLElement, ctx: RouteContext) => void | Promise<void> }} Route
 */

export const BASE = '/dashboard/'

/**
 * @param {{ main: HTMLElement, routes: Route[], notFound: Route, beforeRender?: () => boolean }} opts
 *   beforeRender returning false stops the render (e.g. not signed in).
 */
export function createRouter({ main, routes, notFound, beforeRender }) {
  /** @type {AbortController | null} */
  let current = null
  let rendered = ''

  /** @param {boolean} moveFocus false on the first load: focus then starts at the top (skip link) as usual. */
  function show(moveFocus) {
    rendered = location.pathname + location.search
    current?.abort()
    current = new AbortController()
    if (beforeRender && !beforeRender()) return
    const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : ''
    let params = /** @type {string[]} */ ([])
    const route =
      routes.find((r) => {
        const match = r.path.exec(path)
        if (match) params = match.slice(1).map(decodeURIComponent)
        return match
      }) ?? notFound
    // Each render gets a fresh view: a slow page that finishes after the user moved on writes into a detached node.
    const view = document.createElement('div')
    view.className = 'view'
    main.replaceChildren(view)
    document.title = `${typeof route.title === 'function' ? route.title(params) : route.title} · Umbra`
    const done = route.render(view, { signal: current.signal, params, query: new URLSearchParams(location.search) })
    if (moveFocus) Promise.resolve(done).then(() => focusHeading(view))
  }

  /** @param {string} href @param {{ replace?: boolean }} [opts] */
  function navigate(href, opts = {}) {
    if (opts.replace) history.replaceState(null, '', href)
    else history.pushState(null, '', href)
    show(true)
  }

  document.addEventListener('click', (event) => {
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    )
      return
    const a = event.target instanceof Element ? event.target.closest('a') : null
    if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin || !a.pathname.startsWith(BASE))
      return
    if (a.hash && a.pathname + a.search === rendered) return // an in-page anchor (the skip link)
    event.preventDefault()
    navigate(a.pathname + a.search)
  })
  window.addEventListener('popstate', () => {
    if (location.pathname + location.search !== rendered) show(true)
  })

  return { render: () => show(false), navigate }
}

/** Moves focus to the new page's heading, so keyboard and screen-reader users land on what changed. */
function focusHeading(/** @type {HTMLElement} */ view) {
  if (
    !view.isConnected ||
    (document.activeElement && document.activeElement !== document.body && view.contains(document.activeElement))
  )
    return
  const heading = view.querySelector('h1')
  if (!heading) return
  heading.tabIndex = -1
  heading.focus({ preventScroll: true })
}
