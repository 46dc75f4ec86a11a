import assert from 'node:assert/strict';
import {test} from 'node:test';
import {undoStep} from '../../source/commerce/changes.js';
import type {PolicyValue, Row} from '../../source/commerce/types.js';

const visio = (value: PolicyValue): Row => ({scope: 'product', id: 'CFQ7TTC0HD33', name: 'Visio Plan 1', value, trialWithoutPaymentMethod: true});
const written = {from: 'Enabled', to: 'Disabled'} as const;

test('undo puts a row back only while it still holds what the change set left', () => {
	assert.deepEqual(undoStep(written, visio('Disabled')), {kind: 'revert', row: visio('Disabled'), to: 'Enabled'});
});

test('undo never overwrites a row changed since, and never writes a row no longer listed', () => {
	assert.deepEqual(undoStep(written, visio('OnlyTrialsWithoutPaymentMethod')), {kind: 'changed-since', row: visio('OnlyTrialsWithoutPaymentMethod')});
	assert.deepEqual(undoStep(written, undefined), {kind: 'gone'});
});

test('undo of a write that changed nothing (a retry to the value already held) writes nothing', () => {
	assert.deepEqual(undoStep({from: 'Disabled', to: 'Disabled'}, visio('Disabled')), {kind: 'unchanged', row: visio('Disabled')});
});
