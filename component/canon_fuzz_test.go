package component

import (
	"context"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero/api"

	"github.com/plugwit/plugwit/component/internal/types"
	"github.com/plugwit/plugwit/wit"
)

// fakeMemory is a linear memory of a fixed size for lifting and lowering
// without a wasm instance; canon.go only reads, writes and asks the size.
// It is small, so that lists of lists pointing at all of it stay small.
type fakeMemory struct {
	api.Memory // nil: the other methods are not used
	buf        []byte
}

func (m *fakeMemory) Size() uint32 { return uint32(len(m.buf)) }

func (m *fakeMemory) Read(off, n uint32) ([]byte, bool) {
	if uint64(off)+uint64(n) > uint64(len(m.buf)) {
		return nil, false
	}
	return m.buf[off : off+n : off+n], true
}

func (m *fakeMemory) Write(off uint32, b []byte) bool {
	if uint64(off)+uint64(len(b)) > uint64(len(m.buf)) {
		return false
	}
	copy(m.buf[off:], b)
	return true
}

func (m *fakeMemory) WriteString(off uint32, s string) bool {
	if uint64(off)+uint64(len(s)) > uint64(len(m.buf)) {
		return false
	}
	copy(m.buf[off:], s)
	return true
}

// bumpRealloc is a realloc that allocates from a fakeMemory and never frees
// (until reset); past the end it returns an out of bounds pointer.
type bumpRealloc struct {
	api.Function // nil
	mem          *fakeMemory
	next         uint64
}

func (r *bumpRealloc) Call(_ context.Context, p ...uint64) ([]uint64, error) {
	align, size := p[2], p[3]
	ptr := (r.next + align - 1) &^ (align - 1)
	r.next = ptr + size
	if r.next > uint64(len(r.mem.buf)) {
		return []uint64{uint64(len(r.mem.buf))}, nil
	}
	return []uint64{ptr}, nil
}

func (r *bumpRealloc) CallWithStack(ctx context.Context, st []uint64) error {
	res, err := r.Call(ctx, st[:4]...)
	st[0] = res[0]
	return err
}

// liftUniverse is the types of one compiled component to lift, with an
// instance for the resource types among them.
type liftUniverse struct {
	c     *Compiled
	inst  *instance
	types []wit.Type
	saved handleTable
}

func newLiftUniverse(c *Compiled, inst *Instance) *liftUniverse {
	u := &liftUniverse{c: c}
	for p := wit.Bool; p <= wit.String; p++ {
		u.types = append(u.types, p)
	}
	for id := range c.types.Types {
		u.types = append(u.types, wit.TypeID(id))
	}
	if inst != nil {
		u.inst = inst.inst
		u.saved = handleTable{entries: append([]handle(nil), u.inst.handles.entries...), free: append([]uint32(nil), u.inst.handles.free...)}
	}
	return u
}

// restore puts the handle table back as it was, so that every fuzz input
// starts from the same state.
func (u *liftUniverse) restore() {
	if u.inst == nil {
		return
	}
	u.inst.handles.entries = append(u.inst.handles.entries[:0], u.saved.entries...)
	u.inst.handles.free = append(u.inst.handles.free[:0], u.saved.free...)
	u.inst.borrowed = u.inst.borrowed[:0]
	u.inst.noLeave = false
}

// tryCanon runs f and reports the trap it raised (nil if none). Anything
// else it panics with (a Go runtime error, a host value error) is a bug and
// panics on.
func tryCanon(f func()) (te *trapError) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(*trapError); ok {
				te = e
				return
			}
			panic(r)
		}
	}()
	f()
	return nil
}

type liftFuzzer struct {
	universes []*liftUniverse
	data      *fakeMemory // what is lifted: the fuzz bytes
	heap      *fakeMemory // where lifted values are lowered again
	realloc   *bumpRealloc
	lifted    int // inputs that lifted (from memory or flat) without a trap
	trapped   int
}

func newLiftFuzzer(tb testing.TB) *liftFuzzer {
	ctx := context.Background()
	rt := NewRuntime(ctx, NewRuntimeConfig())
	tb.Cleanup(func() { rt.Close(ctx) })
	load := func(name string) *Compiled {
		b, err := testdataFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		c, err := rt.Compile(ctx, b, WithName(name))
		if err != nil {
			tb.Fatal(err)
		}
		return c
	}
	values := load(valuesFixture)
	res := load(resourcesFixture)
	// An instance of the resources fixture with handles of both resource
	// types, owned and borrowed, in its table.
	hres := NewResourceType("hres", nil)
	l := NewLinker(rt)
	l.Root().Resource("hres", hres)
	for _, e := range res.Imports() {
		if e.Kind == "func" {
			l.Root().Func(e.Name, func(ctx context.Context, args []Value) (Value, error) {
				return Resource{Type: hres, Rep: 5, Own: true}, nil
			})
		}
	}
	ri, err := l.Instantiate(ctx, res)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ri.Close(ctx) })
	for i := range 3 {
		c, err := ri.Func("make-counter").Call(ctx, U32(100+i))
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := ri.Func("keep-counter").Call(ctx, c); err != nil {
			tb.Fatal(err)
		}
		if _, err := ri.Func("make-hres").Call(ctx, U32(i)); err != nil {
			tb.Fatal(err)
		}
	}
	inst := ri.inst
	// a borrowed handle too (as if lowered into the current call)
	inst.handles.add(handle{rt: hres, rep: 77, scope: inst.task})
	heap := &fakeMemory{buf: make([]byte, 4<<20)}
	return &liftFuzzer{
		universes: []*liftUniverse{newLiftUniverse(values, nil), newLiftUniverse(res, ri)},
		data:      &fakeMemory{buf: make([]byte, 4096)},
		heap:      heap,
		realloc:   &bumpRealloc{mem: heap},
	}
}

// lift lifts a value of a type chosen by the input from memory filled with
// the input, and from flat values taken from the input; whatever lifts
// without a trap must lower and lift again to the same value.
func (z *liftFuzzer) lift(t *testing.T, in []byte) {
	if len(in) < 7 {
		return
	}
	u := z.universes[int(in[0])%len(z.universes)]
	ty := u.types[int(binary.LittleEndian.Uint16(in[1:]))%len(u.types)]
	enc := types.StringEncoding(in[3] % 3)
	ptr := binary.LittleEndian.Uint32(in[3:]) >> 8 // 24 bits
	rest := in[7:]
	clear(z.data.buf)
	copy(z.data.buf, rest)
	defer u.restore()

	r, abi := u.c.types, u.c.abi
	lay := abi.Layout(ty)
	cx := &canonCx{ctx: context.Background(), r: r, abi: abi, mem: z.data, enc: enc, inst: u.inst, lending: true}

	// From memory, at an aligned pointer (callers check alignment first).
	ptr &^= lay.Align - 1
	var v Value
	if tryCanon(func() { v = cx.load(ty, ptr) }) == nil {
		z.lifted++
		if u.inst == nil {
			z.roundTrip(t, cx, ty, v, false)
		}
	} else {
		z.trapped++
	}
	u.restore()

	// From flat values.
	if lay.FlatOverflow {
		return
	}
	flat := make([]uint64, len(lay.Flat))
	for i, ct := range lay.Flat {
		var x uint64
		if len(rest) >= 8*(i+1) {
			x = binary.LittleEndian.Uint64(rest[8*i:])
		}
		if ct == wit.CoreI32 || ct == wit.CoreF32 {
			x = uint64(uint32(x))
		}
		flat[i] = x
	}
	it := &flatIter{vals: flat}
	if tryCanon(func() { v = cx.liftFlat(ty, it) }) != nil {
		z.trapped++
	} else {
		z.lifted++
		if it.i != len(flat) {
			t.Fatalf("lifting %s consumed %d of %d flat values", r.TypeString(ty), it.i, len(flat))
		}
		if u.inst == nil {
			z.roundTrip(t, cx, ty, v, true)
		}
	}
}

// roundTrip lowers v (to flat values, or to memory) and lifts it again.
func (z *liftFuzzer) roundTrip(t *testing.T, lcx *canonCx, ty wit.Type, v Value, flat bool) {
	z.realloc.next = 0
	cx := *lcx
	cx.mem, cx.realloc = z.heap, z.realloc
	var v2 Value
	te := tryCanon(func() {
		if flat {
			vals := cx.lowerFlat(v, ty, nil)
			if want := len(cx.abi.Layout(ty).Flat); len(vals) != want {
				t.Fatalf("lowering %s made %d flat values, want %d", cx.r.TypeString(ty), len(vals), want)
			}
			for i, ct := range cx.abi.Layout(ty).Flat {
				if (ct == wit.CoreI32 || ct == wit.CoreF32) && vals[i] > math.MaxUint32 {
					t.Fatalf("lowering %s: flat value %d (%s) is %#x", cx.r.TypeString(ty), i, ct, vals[i])
				}
			}
			v2 = cx.liftFlat(ty, &flatIter{vals: vals})
			return
		}
		lay := cx.abi.Layout(ty)
		p := cx.alloc(lay.Align, lay.Size)
		cx.store(v, ty, p)
		v2 = cx.load(ty, p)
	})
	if te != nil {
		if strings.Contains(te.reason, "realloc returned an out of bounds pointer") {
			return // the value does not fit the heap
		}
		t.Fatalf("%s %s: lowering and lifting again trapped: %s", cx.r.TypeString(ty), fmtValue(v), te.reason)
	}
	if !valueEqual(v, v2) {
		t.Fatalf("%s: %s lifted again as %s", cx.r.TypeString(ty), fmtValue(v), fmtValue(v2))
	}
}

// FuzzLift lifts every type of the canon-values and canon-resources
// fixtures from fuzzed memory and fuzzed flat values: it must trap or
// succeed, never panic, and what it lifts must survive lowering and lifting
// again unchanged.
//
//	go test ./component -run '^$' -fuzz FuzzLift -parallel 1
func FuzzLift(f *testing.F) {
	z := newLiftFuzzer(f)
	// Seeds: each layout case at pointer 0, for every type index.
	for _, c := range layoutCases() {
		for u := range 2 {
			for ti := 0; ti < len(z.universes[u].types); ti += 7 {
				f.Add(append([]byte{byte(u), byte(ti), byte(ti >> 8), byte(ti % 3), 0, 0, 0}, c.mem...))
			}
		}
	}
	// strings and lists pointing into the data
	f.Add(append([]byte{0, 12, 0, 0, 0, 0, 0}, cat(le32(8), le32(5), []byte("hello"))...))
	f.Add(append([]byte{0, 12, 0, 1, 0, 0, 0}, cat(le32(8), le32(2), []byte{'h', 0, 0x34, 0xd8, 0x1e, 0xdd})...))
	f.Add(append([]byte{1, 20, 0, 2, 0, 0, 0}, cat(le32(1), le32(2), le32(3), le32(4))...))
	f.Fuzz(z.lift)
}

// TestLiftEveryType runs the fuzz body over a few deterministic inputs for
// every type, so that `go test` covers it without -fuzz.
func TestLiftEveryType(t *testing.T) {
	z := newLiftFuzzer(t)
	fill := [][]byte{
		nil,
		cat(le32(16), le32(3), le32(0), le32(0), []byte("abc")),
		cat(le32(1), le32(1), le32(1), le32(1), le32(1), le32(1), le32(1), le32(1)),
		cat(le32(2), le32(0xffffffff), le32(0x7fc00001), le32(0xd800), le32(0x10000000)),
		cat(le32(0xff), le32(8), le32(0x80000002), le32(0xffffffff), []byte{0x34, 0xd8, 0x1e, 0xdd}),
	}
	for u, un := range z.universes {
		for ti := range un.types {
			for enc := range 3 {
				for _, b := range fill {
					z.lift(t, append([]byte{byte(u), byte(ti), byte(ti >> 8), byte(enc), 0, 0, 0}, b...))
				}
			}
		}
	}
	t.Logf("%d types, %d lifts, %d traps", len(z.universes[0].types)+len(z.universes[1].types), z.lifted, z.trapped)
	if z.lifted < z.trapped {
		t.Errorf("most lifts trapped: the inputs test little")
	}
}

func testdataFile(name string) ([]byte, error) { return os.ReadFile(filepath.Join("testdata", name)) }
