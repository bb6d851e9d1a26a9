package binary

import (
	"fmt"
	"reflect"
	"strings"
)

// dump renders v as an indented tree, following pointers and interfaces, for
// readable test failures.
func dump(v any) string {
	var b strings.Builder
	dumpValue(&b, reflect.ValueOf(v), 0)
	return b.String()
}

func dumpValue(b *strings.Builder, v reflect.Value, depth int) {
	indent := strings.Repeat("  ", depth)
	switch v.Kind() {
	case reflect.Invalid:
		b.WriteString("nil")
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		if v.Kind() == reflect.Pointer {
			b.WriteString("&")
		}
		dumpValue(b, v.Elem(), depth)
	case reflect.Struct:
		if s, ok := v.Interface().(fmt.Stringer); ok && v.NumField() <= 2 && v.Type() != reflect.TypeOf(ExternName{}) {
			fmt.Fprintf(b, "%s(%s)", v.Type().Name(), s)
			return
		}
		fmt.Fprintf(b, "%s{", v.Type().Name())
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if f.Name == "Raw" || f.Name == "Data" {
				fmt.Fprintf(b, "\n%s  %s: <%d bytes>", indent, f.Name, v.Field(i).Len())
				continue
			}
			fmt.Fprintf(b, "\n%s  %s: ", indent, f.Name)
			dumpValue(b, v.Field(i), depth+1)
		}
		fmt.Fprintf(b, "\n%s}", indent)
	case reflect.Slice:
		if v.Len() == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[")
		for i := 0; i < v.Len(); i++ {
			fmt.Fprintf(b, "\n%s  %d: ", indent, i)
			dumpValue(b, v.Index(i), depth+1)
		}
		fmt.Fprintf(b, "\n%s]", indent)
	case reflect.String:
		fmt.Fprintf(b, "%q", v.String())
	default:
		if s, ok := v.Interface().(fmt.Stringer); ok {
			fmt.Fprintf(b, "%v(%s)", v.Interface(), s)
			return
		}
		fmt.Fprintf(b, "%v", v.Interface())
	}
}
