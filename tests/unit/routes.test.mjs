// The page router (src/runtime/routes.ts): which file under pb_hooks/pages answers a URL.
// routes.ts is pure TypeScript, so it is compiled here with esbuild and imported as it is.
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { importSource } from '../helpers/compile.mjs'
import { ROOT } from '../helpers/server.mjs'

const { buildRoutes, matchRoute, isPageFile, isHandlerFile, isPrivatePath, splitPath } = await importSource('runtime/routes.ts')

/** the page file answering path, or null */
function pageFor(files, path) {
  const match = matchRoute(buildRoutes(files), path)
  return match ? match.route.file : null
}

function paramsFor(files, path) {
  return matchRoute(buildRoutes(files), path)?.params ?? null
}

describe('segment counts', () => {
  const files = ['index.ejs', 'rooms/index.ejs', 'rooms/[slug]/index.ejs', 'rooms/[slug]/members/index.ejs']

  test('the root URL is answered by the root index.ejs', () => {
    assert.equal(pageFor(files, '/'), 'index.ejs')
    assert.equal(pageFor(files, ''), 'index.ejs')
  })

  test('a [param] page answers exactly one segment, no more and no fewer', () => {
    assert.equal(pageFor(files, '/rooms'), 'rooms/index.ejs')
    assert.equal(pageFor(files, '/rooms/lobby'), 'rooms/[slug]/index.ejs')
    assert.equal(pageFor(files, '/rooms/lobby/members'), 'rooms/[slug]/members/index.ejs')
    assert.equal(pageFor(files, '/rooms/lobby/members/extra'), null)
    assert.equal(pageFor(files, '/rooms/lobby/other'), null)
    assert.equal(pageFor(['a/[x]/b.ejs'], '/a/b'), null)
  })

  test('a trailing slash or doubled leading slash names the same page', () => {
    assert.equal(pageFor(files, '/rooms/'), 'rooms/index.ejs')
    assert.equal(pageFor(files, '/rooms/lobby/'), 'rooms/[slug]/index.ejs')
  })

  test('an empty segment never fills a [param]', () => {
    assert.equal(pageFor(['a/[x]/b.ejs'], '/a//b'), null)
  })

  test('a page named like a file keeps its extension in the URL (me/style.css.ejs answers /me/style.css)', () => {
    assert.equal(pageFor(['me/style.css.ejs'], '/me/style.css'), 'me/style.css.ejs')
    assert.equal(pageFor(['me/style.css.ejs'], '/me/style'), null)
  })
})

describe('precedence', () => {
  test('a literal segment beats a [param] in either order of files', () => {
    for (const files of [
      ['rooms/new.ejs', 'rooms/[slug]/index.ejs'],
      ['rooms/[slug]/index.ejs', 'rooms/new.ejs'],
    ]) {
      assert.equal(pageFor(files, '/rooms/new'), 'rooms/new.ejs')
      assert.equal(pageFor(files, '/rooms/lobby'), 'rooms/[slug]/index.ejs')
      assert.deepEqual(paramsFor(files, '/rooms/lobby'), { slug: 'lobby' })
    }
  })

  test('the first segment where two pages differ decides: a literal there wins', () => {
    const files = ['a/[x]/c.ejs', 'a/b/[y].ejs']
    assert.equal(pageFor(files, '/a/b/c'), 'a/b/[y].ejs')
    assert.deepEqual(paramsFor(files, '/a/b/c'), { y: 'c' })
    assert.equal(pageFor(files, '/a/z/c'), 'a/[x]/c.ejs')
  })

  test('index.ejs beats a [param].ejs page answering the same URLs', () => {
    for (const files of [
      ['rooms/[slug].ejs', 'rooms/[id]/index.ejs'],
      ['rooms/[id]/index.ejs', 'rooms/[slug].ejs'],
    ]) {
      const routes = buildRoutes(files)
      assert.equal(routes.length, 1)
      assert.equal(pageFor(files, '/rooms/x'), 'rooms/[id]/index.ejs')
      assert.deepEqual(paramsFor(files, '/rooms/x'), { id: 'x' })
    }
  })

  test('about/index.ejs beats about.ejs', () => {
    assert.equal(pageFor(['about.ejs', 'about/index.ejs'], '/about'), 'about/index.ejs')
  })
})

describe('folders and files that are not pages', () => {
  test('(group) folders do not appear in the URL', () => {
    const files = ['(account)/settings/index.ejs', '(chat)/rooms/[slug].ejs']
    assert.equal(pageFor(files, '/settings'), '(account)/settings/index.ejs')
    assert.equal(pageFor(files, '/rooms/lobby'), '(chat)/rooms/[slug].ejs')
    assert.equal(pageFor(files, '/(account)/settings'), null)
  })

  test('_private partials, + files and non-templates are not routable', () => {
    for (const file of ['_private/composer.ejs', 'rooms/_private/room.ejs', '_draft.ejs', '+layout.ejs', '+error.ejs', 'rooms/+load.js', 'rooms/+post.js', 'notes.txt']) {
      assert.equal(isPageFile(file), false, file)
    }
    const files = ['_private/composer.ejs', '+layout.ejs', '+error.ejs', 'rooms/_private/room.ejs', '_draft.ejs']
    assert.deepEqual(buildRoutes(files), [])
    assert.equal(pageFor(files, '/_private/composer'), null)
    assert.equal(pageFor(files, '/+layout'), null)
    assert.equal(pageFor(files, '/_draft'), null)
  })

  test('private paths are never served as static files', () => {
    for (const file of ['_private/composer.ejs', 'rooms/[slug]/+load.js', '+layout.ejs', 'index.ejs', '.env', 'a/.git/config']) {
      assert.equal(isPrivatePath(file), true, file)
    }
    assert.equal(isPrivatePath('img/logo.svg'), false)
  })
})

describe('routes of handlers without a page', () => {
  /** the folder of the handler-only route answering path, or null */
  const folderFor = (files, path) => {
    const m = matchRoute(buildRoutes(files), path)
    return m && m.route.file === null ? m.route.folders.join('/') : null
  }

  test('a folder with +get.js or +post.js and no page answers its own URL, with no template', () => {
    const files = ['rooms/[slug]/index.ejs', 'rooms/[slug]/events/+get.js', 'realtime/subscriptions/+post.js', 'realtime/subscriptions/+error.ejs']
    assert.equal(folderFor(files, '/rooms/lobby/events'), 'rooms/[slug]/events')
    assert.deepEqual(paramsFor(files, '/rooms/lobby/events'), { slug: 'lobby' })
    assert.equal(folderFor(files, '/realtime/subscriptions'), 'realtime/subscriptions')
    assert.equal(folderFor(files, '/realtime'), null)
    assert.equal(folderFor(['+get.js', 'login/index.ejs'], '/'), '')
    assert.equal(folderFor(['(api)/ping/+get.js'], '/ping'), '(api)/ping')
  })

  test('handlers beside a page belong to it and make no route of their own', () => {
    const files = ['me/style.css.ejs', 'me/+get.js', 'avatars/[username].ejs', 'avatars/+get.js']
    assert.equal(buildRoutes(files).length, 2)
    assert.equal(pageFor(files, '/me'), null)
    assert.equal(pageFor(files, '/me/style.css'), 'me/style.css.ejs')
    assert.equal(pageFor(files, '/avatars'), null)
  })

  test('only +<method>.js outside _private folders are handlers; +load.js is not one', () => {
    for (const file of ['+get.js', 'rooms/+post.js', 'a/[b]/+delete.js']) assert.equal(isHandlerFile(file), true, file)
    for (const file of ['rooms/+load.js', '_private/+get.js', 'a/_x/+post.js', 'rooms/get.js', '+get.ts', '+layout.ejs']) {
      assert.equal(isHandlerFile(file), false, file)
    }
    assert.deepEqual(buildRoutes(['rooms/+load.js', '_private/x/+get.js']), [])
  })

  test('a handler route that clashes with a page, or shadows PocketBase, throws naming both', () => {
    assert.throws(() => buildRoutes(['about.ejs', 'about/+post.js']), /"about\.ejs" and "about\/\+get\.js or \+post\.js" answer the same URLs|"about\/\+get\.js or \+post\.js" and "about\.ejs"/)
    assert.throws(() => buildRoutes(['api/x/+get.js']), /would shadow PocketBase's \/api\/ routes/)
  })
})

describe('URL decoding', () => {
  test('params are URL-decoded', () => {
    const files = ['avatars/[username].ejs']
    assert.deepEqual(paramsFor(files, '/avatars/caf%C3%A9'), { username: 'café' })
    assert.deepEqual(paramsFor(files, '/avatars/a%20b'), { username: 'a b' })
    // an encoded slash stays inside its segment
    assert.deepEqual(paramsFor(files, '/avatars/a%2Fb'), { username: 'a/b' })
    assert.deepEqual(splitPath('/rooms/caf%C3%A9/'), ['rooms', 'café'])
  })

  test('literal segments are compared after decoding', () => {
    assert.equal(pageFor(['rooms/index.ejs'], '/r%6Foms'), 'rooms/index.ejs')
  })

  test('a malformed escape matches no page instead of throwing', () => {
    const files = ['avatars/[username].ejs', '[any].ejs']
    for (const path of ['/avatars/%E0%A4%A', '/avatars/%zz', '/avatars/100%', '/%']) {
      assert.equal(splitPath(path), null, path)
      assert.equal(pageFor(files, path), null, path)
    }
  })
})

describe('validation of the page tree', () => {
  test('a page that would shadow /api/ throws a clear error naming the file', () => {
    for (const file of ['api/index.ejs', 'api.ejs', 'api/[collection].ejs', '(group)/api/health.ejs']) {
      assert.throws(() => buildRoutes(['index.ejs', file]), (err) => {
        assert.match(err.message, /would shadow PocketBase's \/api\/ routes/)
        assert.ok(err.message.includes(file), err.message)
        return true
      })
    }
  })

  test('/_/ can never be answered by a page: "_" folders are private, and [param] pages skip it', () => {
    assert.deepEqual(buildRoutes(['_/index.ejs']), [])
    const files = ['[a]/index.ejs', '[a]/[b].ejs']
    assert.equal(pageFor(files, '/_/'), null)
    assert.equal(pageFor(files, '/api/health'), null)
    assert.equal(pageFor(files, '/_/x'), null)
    // names that merely start like PocketBase's are fine
    assert.equal(pageFor(['apis/index.ejs'], '/apis'), 'apis/index.ejs')
  })

  test('two pages answering the same URLs throw, naming both', () => {
    for (const [a, b] of [
      ['rooms/[id].ejs', 'rooms/[slug].ejs'],
      ['rooms/[id]/index.ejs', 'rooms/[slug]/index.ejs'],
      ['(a)/settings.ejs', '(b)/settings.ejs'],
      ['(a)/x/index.ejs', 'x/index.ejs'],
    ]) {
      assert.throws(() => buildRoutes([a, b]), (err) => {
        assert.match(err.message, /answer the same URLs/)
        assert.ok(err.message.includes(a) && err.message.includes(b), err.message)
        return true
      })
    }
  })

  test("Hearth's own pages build, and each URL finds its page and params", () => {
    const root = join(ROOT, 'pb_hooks/pages')
    const walk = (dir) => readdirSync(dir).flatMap((name) => {
      const full = join(dir, name)
      return statSync(full).isDirectory() ? walk(full) : [relative(root, full)]
    })
    const routes = buildRoutes(walk(root))
    const at = (path) => {
      const m = matchRoute(routes, path)
      return m && { file: m.route.file, params: m.params }
    }
    assert.deepEqual(at('/rooms'), { file: 'rooms/index.ejs', params: {} })
    assert.deepEqual(at('/rooms/lobby'), { file: 'rooms/[slug]/index.ejs', params: { slug: 'lobby' } })
    assert.deepEqual(at('/rooms/lobby/messages/abc123/edit'), {
      file: 'rooms/[slug]/messages/[id]/edit/index.ejs',
      params: { slug: 'lobby', id: 'abc123' },
    })
    assert.deepEqual(at('/avatars/bob'), { file: 'avatars/[username].ejs', params: { username: 'bob' } })
    assert.deepEqual(at('/me/style.css'), { file: 'me/style.css.ejs', params: {} })
    // routes of handlers only: JSON answers and POST-only actions, with no template
    assert.deepEqual(at('/'), { file: null, params: {} })
    assert.deepEqual(at('/rooms/lobby/events'), { file: null, params: { slug: 'lobby' } })
    assert.deepEqual(at('/realtime/subscriptions'), { file: null, params: {} })
    assert.deepEqual(at('/rooms/lobby/membership'), { file: null, params: { slug: 'lobby' } })
    assert.deepEqual(at('/rooms/lobby/members/bob/removal'), { file: null, params: { slug: 'lobby', username: 'bob' } })
    assert.equal(at('/_private/composer'), null)
    assert.equal(at('/api/health'), null)
    assert.equal(at('/nowhere'), null)
    // every handler is +get.js or +post.js: nothing runs after every method any more
    assert.deepEqual(walk(root).filter((f) => f.endsWith('+load.js')), [])
  })
})
