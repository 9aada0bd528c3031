module hearth/bench/reader

go 1.26
