import t from 'tap'
import { expectedError } from '../src/expected-error.ts'

class ExpectedError extends Error {}
class OtherExpectedError extends Error {}

t.test('the expected kind is returned, anything else thrown on', async t => {
  const expected = new ExpectedError('bad input')
  t.equal(expectedError(expected, ExpectedError), expected)
  const other = new OtherExpectedError('bad file')
  t.equal(expectedError(other, ExpectedError, OtherExpectedError), other, 'any of several kinds')
  const bug = new TypeError('a bug')
  t.throws(() => expectedError(bug, ExpectedError), bug)
  let thrown: unknown
  try {
    expectedError('not an error', ExpectedError)
  } catch (error) {
    thrown = error
  }
  t.equal(thrown, 'not an error', 'even what is not an Error')
})
