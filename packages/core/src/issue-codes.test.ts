import * as assert from 'node:assert/strict';
import { isOvfkitErrorCode, type OvfkitErrorCode } from './errors';
import type { OvfIssue } from './faults';
import { remoteFaultCode, type IssueCode } from './issue-codes';

describe('issue and error codes are closed unions', () => {
  it('a misspelt issue code or error code does not compile', () => {
    // @ts-expect-error: not a code of any layer (the union has no `string & {}` escape)
    const typo: IssueCode = 'EULA_NOT_ACEPTED';
    // @ts-expect-error: OvfkitErrorCode is closed too
    const badError: OvfkitErrorCode = 'NETWROK';
    // @ts-expect-error: an OvfIssue's code is the union, not any string
    const issue: OvfIssue = { fault: { _typeName: 'OvfImportFailed' }, localizedMessage: 'm', code: 'SOMETHING_ELSE' };
    assert.deepEqual([typo, badError, issue.code], ['EULA_NOT_ACEPTED', 'NETWROK', 'SOMETHING_ELSE']);
  });

  it('a server fault keeps its vim25 type as code, or MethodFault when ovfkit does not model it', () => {
    assert.deepEqual(
      [remoteFaultCode('OvfPropertyQualifier'), remoteFaultCode('InvalidArgument'), remoteFaultCode(undefined)],
      ['OvfPropertyQualifier', 'MethodFault', 'MethodFault'],
    );
  });

  it('a code read from another process is checked against the error codes', () => {
    assert.deepEqual([isOvfkitErrorCode('IO'), isOvfkitErrorCode('io'), isOvfkitErrorCode(3)], [true, false, false]);
  });
});
