import {Table} from '@alcalzone/ink-table';
import {Box, Text} from 'ink';
import {memo, type PropsWithChildren} from 'react';
import type {Field} from '../state/panels.js';
import {truncate} from '../text.js';
import {useTheme} from '../theme.js';

// A compact skeleton inside the panel's own border: the table's rules become blank columns and its
// top, bottom and between-row lines render nothing, so the panel is one line per field.
function Skeleton({children}: PropsWithChildren) {
	return typeof children === 'string' && /^[│ ]+$/.test(children) ? <Text>{children.replaceAll('│', ' ')}</Text> : null;
}

function Heading({children}: PropsWithChildren) {
	return <Text bold>{children}</Text>;
}

/** `i`: the selected row in a table (@alcalzone/ink-table); its fields come from state/panels.ts. */
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
