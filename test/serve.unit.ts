// src/serve.ts's pure part: how a failure to listen is put to an administrator.
import t from 'tap'
import { listenFailure } from '../src/serve.js'

t.test('known codes in plain words; anything else as the error says it', async t => {
  t.equal(listenFailure(Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' })), 'address already in use')
  t.equal(listenFailure(Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' })), 'host name not found')
  t.equal(listenFailure(Object.assign(new Error('listen EAFNOSUPPORT'), { code: 'EAFNOSUPPORT' })), 'listen EAFNOSUPPORT')
  t.equal(listenFailure(new Error('no code at all')), 'no code at all')
})
