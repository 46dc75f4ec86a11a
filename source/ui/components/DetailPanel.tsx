import {Table} from '@alcalzone/ink-table';
import {Box, Text} from 'ink';
import {memo, type PropsWithChildren} from 'react';
import {knownProduct} from '../../commerce/catalog.js';
import type {PolicyValue, Row} from '../../commerce/types.js';
import {valuesFor} from '../../commerce/values.js';
import type {FailedMark} from '../state/dashboard.js';
import {truncate} from '../text.js';
import {useTheme} from '../theme.js';

type Field = {Field: string; Value: string};

/** The selected row's facts, as the table shows them, with its last failure where it has one. */
export function detailFields(row: Row, saving: PolicyValue | undefined, failed?: FailedMark): Field[] {
	const fields: Field[] = [
		{Field: 'Name', Value: row.name},
		{Field: 'ID', Value: row.id},
		{Field: 'Value', Value: saving ? `${row.value} (saving ${saving}…)` : row.value},
		{Field: 'Can be set to', Value: valuesFor(row).join(', ')},
	];
	if (failed) {
		fields.push({Field: failed.unknown ? 'Last write' : 'Last write failed', Value: `${failed.change.from} → ${failed.change.to}: ${failed.problem.title}`});
		if (failed.problem.correlationId) fields.push({Field: 'Correlation ID', Value: failed.problem.correlationId});
	}
	if (row.scope === 'product') {
		const trial = row.trialWithoutPaymentMethod;
		fields.push({
			Field: 'Trial w/o payment',
			Value: trial === undefined ? 'unknown (t sends it; the service decides)' : trial ? 'yes' : 'no',
		});
		const known = knownProduct(row.id);
		fields.push({
			Field: 'Catalog',
			Value: !known
				? 'not in the catalog (a newer product?)'
				: known.idChanged
					? `ID changed${known.formerIds?.length ? ` (was ${known.formerIds.join(', ')})` : ''}; blocks on old IDs carry over`
					: 'known product',
		});
	} else {
		fields.push({Field: 'Scope', Value: 'third-party offer type'});
	}
	return fields;
}

/** Border (2) and the table's heading line (1). */
export function detailPanelHeight(fields: readonly Field[]): number {
	return fields.length + 3;
}

// A compact skeleton inside the panel's own border: the table's rules become blank columns and its
// top, bottom and between-row lines render nothing, so the panel is one line per field.
function Skeleton({children}: PropsWithChildren) {
	return typeof children === 'string' && /^[│ ]+$/.test(children) ? <Text>{children.replaceAll('│', ' ')}</Text> : null;
}

function Heading({children}: PropsWithChildren) {
	return <Text bold>{children}</Text>;
}

/** `i`: the selected row in a table (@alcalzone/ink-table). */
export const DetailPanel = memo(function DetailPanel({fields, width}: {fields: readonly Field[]; width: number}) {
	const theme = useTheme();
	const fieldWidth = Math.max(...fields.map(field => field.Field.length), 'Field'.length);
	// Border and padding (4), the table's rules (3) and cell padding (4).
	const chrome = 4 + 3 + 4 + fieldWidth;
	const room = Math.max(8, width - chrome);
	const data = fields.map(field => ({Field: field.Field, Value: truncate(field.Value, room)}));
	const boxWidth = Math.min(width, chrome + Math.max(...data.map(field => field.Value.length), 'Value'.length));
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={theme.border.normal} paddingX={1} width={boxWidth} flexShrink={0}>
			<Table data={data} columns={['Field', 'Value']} skeleton={Skeleton} header={Heading} />
		</Box>
	);
});
