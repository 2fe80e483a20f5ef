<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>HandwritingPad</name>
    <message>
        <source>撤销一笔</source>
        <translation>Undo stroke</translation>
    </message>
    <message>
        <source>清除</source>
        <translation>Clear</translation>
    </message>
    <message>
        <source>请在此处书写</source>
        <translation>Write here</translation>
    </message>
    <message>
        <source>手写</source>
        <translation>Write</translation>
    </message>
</context>
<context>
    <name>SearchScreen</name>
    <message>
        <source>去看：%1</source>
        <translation>Go to: %1</translation>
    </message>
    <message>
        <source>您是不是要找：%1</source>
        <translation>Did you mean: %1</translation>
    </message>
    <message>
        <source>区情数字和新闻</source>
        <translation>District figures and news</translation>
    </message>
    <message>
        <source>%1年数据</source>
        <translation>%1 data</translation>
    </message>
    <message>
        <source>搜索</source>
        <translation>Search</translation>
    </message>
    <message>
        <source>输入拼音、首字母或文字</source>
        <translation>Type pinyin, initials or words</translation>
    </message>
    <message>
        <source>清除</source>
        <translation>Clear</translation>
    </message>
    <message>
        <source>键盘</source>
        <translation>Keyboard</translation>
    </message>
    <message>
        <source>现在开放</source>
        <translation>Open now</translation>
    </message>
    <message>
        <source>按分类找</source>
        <translation>Browse by category</translation>
    </message>
    <message>
        <source>电话问一问</source>
        <translation>call and ask</translation>
    </message>
    <message numerus="yes">
        <source>找到 %n 项</source>
        <translation>
            <numerusform>%n result</numerusform>
            <numerusform>%n results</numerusform>
        </translation>
    </message>
    <message>
        <source>现在开放的服务里没有找到。请取消“现在开放”，或换个说法。</source>
        <translation>Nothing found among services open now. Turn off “Open now”, or try other words.</translation>
    </message>
    <message>
        <source>没有找到“%1”。换个说法试试，或者按分类找，也可以打电话问。</source>
        <translation>Nothing found for “%1”. Try other words, browse by category, or call and ask.</translation>
    </message>
    <message>
        <source>想找什么服务？用键盘输入拼音、首字母或文字，或点一个常用词。</source>
        <translation>What are you looking for? Type on the keyboard (pinyin, initials or words), or tap a common need.</translation>
    </message>
    <message>
        <source>服务</source>
        <translation>Service</translation>
    </message>
    <message>
        <source>电话 %1</source>
        <translation>Phone %1</translation>
    </message>
    <message>
        <source>分类</source>
        <translation>Category</translation>
    </message>
    <message numerus="yes">
        <source>%n 项服务</source>
        <translation>
            <numerusform>%n service</numerusform>
            <numerusform>%n services</numerusform>
        </translation>
    </message>
    <message>
        <source>热线</source>
        <translation>Hotline</translation>
    </message>
    <message>
        <source>区情数字</source>
        <translation>Figure</translation>
    </message>
    <message>
        <source>新闻</source>
        <translation>News</translation>
    </message>
</context>
<context>
    <name>TouchKeyboard</name>
    <message>
        <source>拼音</source>
        <translation>Pinyin</translation>
    </message>
    <message>
        <source>空格</source>
        <translation>Space</translation>
    </message>
    <message>
        <source>打拼音或首字母，再点上面的字词</source>
        <translation>Type pinyin or initials, then tap a word above</translation>
    </message>
    <message>
        <source>收起</source>
        <translation>Hide</translation>
    </message>
</context>
</TS>
