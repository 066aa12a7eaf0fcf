package main

import (
	"reflect"

	"github.com/vmware/govmomi/vim25/types"
)

var methodFaultType = reflect.TypeOf((*types.BaseMethodFault)(nil)).Elem()

// faultType finds the vim25 fault type by its wire name (e.g. "InvalidState").
func faultType(name string) (reflect.Type, bool) {
	t, ok := types.TypeFunc()(name)
	if !ok || t.Kind() != reflect.Struct || !reflect.PtrTo(t).Implements(methodFaultType) {
		return nil, false
	}
	return t, true
}

// newFault makes a zero-valued fault of that type; name must have passed faultType.
func newFault(name string) types.BaseMethodFault {
	t, ok := faultType(name)
	if !ok {
		return &types.SystemError{Reason: "unknown fault " + name}
	}
	return reflect.New(t).Interface().(types.BaseMethodFault)
}

// typeName is the wire name of a fault value's type.
func typeName(f types.BaseMethodFault) (string, bool) {
	t := reflect.TypeOf(f)
	if t == nil {
		return "", false
	}
	if t.Kind() == reflect.Ptr {
		t = t.Elem()
	}
	return t.Name(), true
}
