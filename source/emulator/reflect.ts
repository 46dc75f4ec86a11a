/**
 * @peculiar/x509 resolves its helpers through tsyringe, which refuses to load unless the global
 * Reflect has the metadata API (`reflect-metadata`'s getMetadata / getOwnMetadata / defineMetadata).
 * We add no dependency for three functions: this installs a minimal version, only where none is
 * present, and only right before the emulator loads @peculiar/x509 to mint certificates.
 */

type MetadataStore = WeakMap<object, Map<unknown, Map<unknown, unknown>>>;
type ReflectWithMetadata = typeof Reflect & {
	getMetadata?: (key: unknown, target: object, property?: unknown) => unknown;
	getOwnMetadata?: (key: unknown, target: object, property?: unknown) => unknown;
	defineMetadata?: (key: unknown, value: unknown, target: object, property?: unknown) => void;
};

export function ensureReflectMetadata(): void {
	const reflect = Reflect as ReflectWithMetadata;
	if (typeof reflect.getMetadata === 'function') return;
	const store: MetadataStore = new WeakMap();
	const own = (key: unknown, target: object, property?: unknown): unknown =>
		store.get(target)?.get(property)?.get(key);
	reflect.defineMetadata = (key, value, target, property) => {
		let byProperty = store.get(target);
		if (!byProperty) store.set(target, (byProperty = new Map()));
		let byKey = byProperty.get(property);
		if (!byKey) byProperty.set(property, (byKey = new Map()));
		byKey.set(key, value);
	};
	reflect.getOwnMetadata = own;
	reflect.getMetadata = (key, target, property) => {
		for (let at: object | null = target; at; at = Object.getPrototypeOf(at) as object | null) {
			const value = own(key, at, property);
			if (value !== undefined) return value;
		}
		return undefined;
	};
}
