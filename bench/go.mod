module github.com/c360/c360/bench

go 1.26

replace github.com/c360/c360 => ../
