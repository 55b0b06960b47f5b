// src/paths.ts and src/service-routes.ts: how paths are compared, and which belong to the service.
import t from 'tap'
import { normalisePath } from '../src/paths.ts'
import { DEMO_BASE_PATH, SERVICE_ROUTE_PREFIXES, serviceRouteOf } from '../src/service-routes.ts'

t.test('paths are compared in lower case, without one trailing slash', async t => {
  t.equal(normalisePath('/PersistentChat/RM/'), '/persistentchat/rm')
  t.equal(normalisePath('/PersistentChat/RM'), '/persistentchat/rm')
  t.equal(normalisePath('/a/%2E%2e'), '/a/%2e%2e')
  t.equal(normalisePath('/'), '')
  t.equal(normalisePath('/a//'), '/a/', 'one slash only: an empty segment is not hidden')
})

t.test('the service route a path is at or under: whole segments, in any case', async t => {
  t.equal(serviceRouteOf('/rooms'), '/rooms')
  t.equal(serviceRouteOf('/Rooms/'), '/rooms')
  t.equal(serviceRouteOf('/rooms/new'), '/rooms')
  t.equal(serviceRouteOf(DEMO_BASE_PATH), '/demo')
  t.equal(serviceRouteOf('/roomsold'), undefined)
  t.equal(serviceRouteOf('/persistentchat/rm'), undefined)
  t.equal(serviceRouteOf('/'), undefined, 'the root is under none')
  for (const route of SERVICE_ROUTE_PREFIXES) t.equal(serviceRouteOf(`${route.toUpperCase()}/x`), route, route)
})
