/**
 * The floor the dashboard's budgets stand on: the least an Ink program can do and still show what
 * the bench waits for. It fetches the products with node:https (no undici, no sign-in, no checks,
 * no audit, no seen record), parses them, holds them all, shows 30 rows with the same header and
 * footer words the bench looks for (`Products N`, `q quit`) and moves with G, g, j, k. Ink 6 and
 * React 19 as the dashboard has them, Node's default V8 settings. bench/userview.ts bundles it with
 * esbuild and runs it on the same pseudo-terminal, against the same emulator, as the dashboard.
 */
import {readFileSync} from 'node:fs';
import https from 'node:https';
import {Box, render, Text, useApp, useInput} from 'ink';
import {useEffect, useState} from 'react';

type Item = {productName: string; productId: string; policyValue: string};
const VISIBLE = 30;

function Floor() {
	const [items, setItems] = useState<Item[]>();
	const [top, setTop] = useState(0);
	const {exit} = useApp();
	const last = Math.max(0, (items?.length ?? 0) - VISIBLE);
	useInput(input => {
		if (input === 'q') exit();
		else if (input === 'G') setTop(last);
		else if (input === 'g') setTop(0);
		else if (input === 'j') setTop(t => Math.min(last, t + 1));
		else if (input === 'k') setTop(t => Math.max(0, t - 1));
	});
	useEffect(() => {
		const url = `${process.env.MSCOMMERCE_LICENSING_URL}/v1.0/policies/AllowSelfServicePurchase/products`;
		const options = {ca: readFileSync(process.env.MSCOMMERCE_CA_FILE!), headers: {authorization: `Bearer ${process.env.MSCOMMERCE_TOKEN}`}};
		https.get(url, options, response => {
			let body = '';
			response.setEncoding('utf8');
			response.on('data', (chunk: string) => (body += chunk));
			response.on('end', () => {
				const parsed = JSON.parse(body) as {items?: Item[]; value?: Item[]};
				setItems(parsed.items ?? parsed.value ?? []);
			});
		});
	}, []);
	if (!items) return <Text>Loading…</Text>;
	return (
		<Box flexDirection="column">
			<Text bold>Products {items.length}</Text>
			{items.slice(top, top + VISIBLE).map(item => (
				<Text key={item.productId}>
					{item.productName} {item.productId} <Text color="green">{item.policyValue}</Text>
				</Text>
			))}
			<Text dimColor>j k move · g G top, end · q quit</Text>
		</Box>
	);
}

render(<Floor />);
