package wit

import "iter"

// OrderedMap is a map that remembers insertion order, as WIT declarations do.
// The zero value is an empty map ready to use.
type OrderedMap[K comparable, V any] struct {
	keys []K
	vals map[K]V
}

// Len returns the number of entries.
func (m *OrderedMap[K, V]) Len() int { return len(m.keys) }

// Get returns the value for k and whether it was present.
func (m *OrderedMap[K, V]) Get(k K) (V, bool) {
	v, ok := m.vals[k]
	return v, ok
}

// Has reports whether k is present.
func (m *OrderedMap[K, V]) Has(k K) bool {
	_, ok := m.vals[k]
	return ok
}

// Set stores v under k; a new key goes last, an existing key keeps its place.
func (m *OrderedMap[K, V]) Set(k K, v V) {
	if m.vals == nil {
		m.vals = make(map[K]V)
	}
	if _, ok := m.vals[k]; !ok {
		m.keys = append(m.keys, k)
	}
	m.vals[k] = v
}

// Delete removes k, keeping the order of the others.
func (m *OrderedMap[K, V]) Delete(k K) {
	if _, ok := m.vals[k]; !ok {
		return
	}
	delete(m.vals, k)
	for i, key := range m.keys {
		if key == k {
			m.keys = append(m.keys[:i:i], m.keys[i+1:]...)
			break
		}
	}
}

// Keys returns the keys in order. The slice must not be modified.
func (m *OrderedMap[K, V]) Keys() []K { return m.keys }

// At returns the i-th entry in order.
func (m *OrderedMap[K, V]) At(i int) (K, V) {
	k := m.keys[i]
	return k, m.vals[k]
}

// All iterates over the entries in order.
func (m *OrderedMap[K, V]) All() iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		for _, k := range m.keys {
			if !yield(k, m.vals[k]) {
				return
			}
		}
	}
}

// Values iterates over the values in order.
func (m *OrderedMap[K, V]) Values() iter.Seq[V] {
	return func(yield func(V) bool) {
		for _, k := range m.keys {
			if !yield(m.vals[k]) {
				return
			}
		}
	}
}
