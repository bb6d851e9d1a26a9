module github.com/plugwit/plugwit

go 1.24
