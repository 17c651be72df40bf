package synth

func newEnMaker(g *generator) entityMaker { return newJaMaker(g) }
