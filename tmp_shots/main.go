package main

import (
	"context"
	"fmt"
	"os"

	"github.com/chromedp/chromedp"
)

func main() {
	base := os.Args[1]
	login := os.Args[2]
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath("/usr/bin/chromium"), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1400, 1000), chromedp.Flag("disable-background-networking", true))
	actx, c1 := chromedp.NewExecAllocator(context.Background(), opts...)
	defer c1()
	ctx, c2 := chromedp.NewContext(actx)
	defer c2()
	err := chromedp.Do(ctx, chromedp.Navigate(base+"/login"), chromedp.SendKeys(chromedp.CSS("#login"), login), chromedp.SendKeys(chromedp.CSS("#password"), login), chromedp.Click(chromedp.CSS("[data-testid=login-submit]")), chromedp.WaitVisible(chromedp.CSS("[data-testid=whoami]")))
	if err != nil {
		panic(err)
	}
	for i, p := range os.Args[3:] {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+p)); err != nil {
			panic(err)
		}
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			panic(err)
		}
		name := fmt.Sprintf("/tmp/shot%d.png", i)
		os.WriteFile(name, buf, 0o644)
		fmt.Println(name, p)
	}
}
